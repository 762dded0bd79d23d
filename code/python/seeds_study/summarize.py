"""Summarise the seed study: how many seeds; mean, spread and range of scores.

Run from the code/ folder, with every per-seed result file as an argument:
    python python/seeds_study/summarize.py \
        --output results/seeds_study/summary.tsv \
        results/seeds_study/seeds/seed_*.json

The table is tab-separated, one statistic per line. The standard deviation is
the sample one (n - 1 in the denominator), which needs at least two seeds.
"""

import json
import pathlib
import statistics

from script_io import ArgumentParser, InputError, run, write_atomic

KEYS = ("seed", "test_accuracy")


def parse_args():
    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "results",
        nargs="+",
        help="per-seed result files written by train_seed.py",
    )
    parser.add_argument(
        "--output", required=True, help="the summary table to write (.tsv)"
    )
    parser.add_argument(
        "--decimals",
        type=int,
        default=3,
        help="digits after the decimal point in the table (0-10, default 3)",
    )
    return parser.parse_args()


def read_result(path):
    """One result file as (seed, accuracy); anything else is an error naming
    the file."""
    path = pathlib.Path(path)
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"malformed result file '{path}': {err}") from None
    if not isinstance(result, dict) or not all(key in result for key in KEYS):
        raise InputError(
            f"malformed result file '{path}': it "
            f"needs the keys {', '.join(KEYS)}"
        )
    seed, accuracy = result["seed"], result["test_accuracy"]
    if not (
        isinstance(seed, int)
        and isinstance(accuracy, (int, float))
        and 0 <= accuracy <= 1
    ):
        raise InputError(
            f"malformed result file '{path}': bad seed or accuracy value"
        )
    return seed, float(accuracy)


def summarize(pairs, decimals):
    """The summary table's text for a list of (seed, accuracy) pairs."""
    seeds = [seed for seed, _ in pairs]
    duplicates = sorted({seed for seed in seeds if seeds.count(seed) > 1})
    if duplicates:
        raise InputError(
            f"seed {duplicates[0]} appears in more than one result file"
        )
    if len(pairs) < 2:
        raise InputError(
            "need the results of at least two seeds for a standard deviation"
        )
    scores = [accuracy for _, accuracy in sorted(pairs)]
    rows = [
        ("seeds", str(len(scores))),
        ("mean_accuracy", f"{statistics.mean(scores):.{decimals}f}"),
        ("std_accuracy", f"{statistics.stdev(scores):.{decimals}f}"),
        ("min_accuracy", f"{min(scores):.{decimals}f}"),
        ("max_accuracy", f"{max(scores):.{decimals}f}"),
    ]
    return "statistic\tvalue\n" + "".join(
        f"{name}\t{value}\n" for name, value in rows
    )


def main():
    args = parse_args()
    if not 0 <= args.decimals <= 10:
        raise InputError(
            f"--decimals must be between 0 and 10, got {args.decimals}"
        )
    pairs = [read_result(path) for path in args.results]
    write_atomic(args.output, summarize(pairs, args.decimals))


if __name__ == "__main__":
    run(main)
