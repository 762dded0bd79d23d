"""Gather every result file into one table (CSV) and one figure (heatmaps).

Run from the code/ folder, after all training runs:

  python python/scikit_example/collect_results.py

Every combination of the grid must have a result: a missing one usually means
a job failed. --allow-missing summarises a partial grid anyway.
"""

from grid import DEFAULT_RESULTS, combinations, result_name
from knn_results import (
    heatmap_bytes,
    missing_combinations,
    read_results,
    table_bytes,
)
from script_io import ArgumentParser, InputError, run, write_atomic


def main():
    parser = ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--results-dir", default=DEFAULT_RESULTS)
    parser.add_argument("--table", help="default: RESULTS_DIR/summary.csv")
    parser.add_argument("--figure", help="default: RESULTS_DIR/summary.png")
    parser.add_argument(
        "--allow-missing",
        action="store_true",
        help="summarise even if some combinations have no result yet",
    )
    args = parser.parse_args()
    table = args.table or f"{args.results_dir}/summary.csv"
    figure = args.figure or f"{args.results_dir}/summary.png"

    results = read_results(args.results_dir)
    missing = missing_combinations(results)
    if missing and not args.allow_missing:
        first = ", ".join(f"{result_name(k, m)}.json" for k, m in missing[:3])
        raise InputError(
            f"no result for {len(missing)} of the {len(combinations())} "
            f"combinations in '{args.results_dir}' (first: {first}); "
            "rerun them, or use --allow-missing"
        )

    write_atomic(table, table_bytes(results))
    write_atomic(figure, heatmap_bytes(results))
    best = max(results, key=lambda r: r["cv_accuracy_mean"])
    print(f"Collected {len(results)} results into {table} and {figure}")
    print(
        "Best cross-validated accuracy: "
        f"{best['cv_accuracy_mean']:.3f} (k = {best['n_neighbors']}, "
        f"{best['metric']}), test accuracy {best['test_accuracy']:.3f}"
    )


if __name__ == "__main__":
    run(main)
