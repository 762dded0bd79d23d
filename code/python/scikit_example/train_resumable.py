"""Train every combination that has no result yet: a long run, in parts.

train_and_plot.py, but combinations whose two result files are already there
are not trained again: a run that was stopped (by a job's time limit, say)
goes on where it stopped. Each result is written whole, once its combination
is done, so a stopped run leaves no half-written file behind. Run from the
code/ folder, after preprocess.py (long_job.sh runs it in parts):

  python python/scikit_example/train_resumable.py --results-dir long
"""

import json
import pathlib

from grid import combinations, result_name
from script_io import InputError, run
from train_and_plot import make_parser, train


def done_before(results_dir, cv_repeats):
    """The combinations whose two result files exist. A result made with
    another --cv-repeats is an error, not something to keep."""
    done = set()
    for n_neighbors, metric in combinations():
        stem = pathlib.Path(results_dir, result_name(n_neighbors, metric))
        json_file = stem.with_suffix(".json")
        if not (json_file.exists() and stem.with_suffix(".png").exists()):
            continue
        try:
            made_with = json.loads(json_file.read_text()).get("cv_repeats")
        except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
            raise InputError(f"malformed result file '{json_file}'") from None
        if made_with != cv_repeats:
            raise InputError(
                f"'{json_file}' was made with --cv-repeats {made_with}, not "
                f"{cv_repeats}: resume with the same value, or use another "
                "--results-dir"
            )
        done.add((n_neighbors, metric))
    total = len(combinations())
    print(
        f"resuming: {len(done)} of {total} combinations already done",
        flush=True,
    )
    return done


def main():
    args = make_parser(__doc__).parse_args()
    done = done_before(args.results_dir, args.cv_repeats)
    train(args, [combo for combo in combinations() if combo not in done])
    print(f"all {len(combinations())} combinations done")


if __name__ == "__main__":
    run(main)
