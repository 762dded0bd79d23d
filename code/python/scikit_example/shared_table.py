"""Train one line of the parameter file, then add its result to ONE table that
every task shares. THE WRONG WAY, kept to show a race.

Run from the code/ folder, after preprocess.py and create_parameter_file.py,
as the task of an array job:

    python python/scikit_example/shared_table.py --index 3 --results-dir race

It reads race/table.csv first (results/table.csv without --results-dir),
then trains line 3 as train_one.py --index 3
does (the same result files, seconds of work with loading scikit-learn), and
then writes the table back with its own row added. Tasks that
run at the same time each write back what they read plus their own row, so
the rows of the others are lost; the chapter on throughput shows it happening.
Write one file per task instead, and collect them at the end.
"""

import csv
import io
import pathlib

from grid import DEFAULT_DATA, DEFAULT_PARAMS, DEFAULT_RESULTS
from script_io import ArgumentParser, InputError, run, write_atomic

COLUMNS = ["n_neighbors", "metric", "test_accuracy"]


def read_table(path):
    """The rows of the shared table, or none if it does not exist yet."""
    try:
        text = pathlib.Path(path).read_text()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read table '{path}': {err}") from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != COLUMNS:
        raise InputError(
            f"malformed table '{path}': its first line must be "
            f"{','.join(COLUMNS)}"
        )
    return list(reader)


def main():
    parser = ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--index", type=int, required=True, metavar="I", help="line I (from 0)"
    )
    parser.add_argument("--params", default=DEFAULT_PARAMS, metavar="FILE")
    parser.add_argument(
        "--results-dir", default=DEFAULT_RESULTS, metavar="DIR"
    )
    args = parser.parse_args()
    table = f"{args.results_dir}/table.csv"

    rows = read_table(table)  # what the table holds NOW, at the start

    # The long work: scikit-learn and Matplotlib load only now, after the
    # table was read, as in a program that reads its inputs first.
    from knn_files import load_split
    from knn_model import check_n_neighbors, lines_of_task, run_combination

    [(n_neighbors, metric)] = lines_of_task(args.params, args.index)
    split = load_split(DEFAULT_DATA)
    check_n_neighbors(split, n_neighbors)
    result = run_combination(split, n_neighbors, metric, args.results_dir)
    rows.append({column: result[column] for column in COLUMNS})
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    # Written whole (write_atomic), so no reader sees half a table; but what
    # another task added since this one read the table is overwritten all the
    # same.
    write_atomic(table, out.getvalue())
    print(f"task {args.index}: wrote {table}, row count {len(rows)}")


if __name__ == "__main__":
    run(main)
