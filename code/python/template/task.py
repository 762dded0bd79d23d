"""One task of a study: row INDEX of STUDY/params.csv, run by STUDY/work.py.

Writes one result file, results/<study>/<name>.json (<name>: the row's name):
the row's values and what work(row, seed) returned.
"""

import argparse
import json

from template_io import fail, load_work, read_rows, result_path, write_atomic


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.error = fail  # a usage mistake is one line, too
    parser.add_argument("--study", required=True, help="folder of params.csv")
    parser.add_argument("--index", type=int, required=True, help="row, from 0")
    args = parser.parse_args()

    rows = read_rows(args.study)
    if not 0 <= args.index < len(rows):
        fail(f"no row {args.index} in {args.study} (rows 0-{len(rows) - 1})")
    row = rows[args.index]
    work = load_work(args.study)  # work(row, seed) from STUDY/work.py

    # The task's own seed, from its row: a row gives the same result each time.
    result = work(row, seed=int(row["seed"]))

    text = json.dumps({**row, **result}, indent=1, sort_keys=True) + "\n"
    write_atomic(result_path(args.study, row["name"]), text)
    print(f"{row['name']}: {result}")


if __name__ == "__main__":
    main()
