"""Gather a study's result files into one table, results/<study>/table.csv.

One line per row of STUDY/params.csv, sorted by name: the row's columns, then
the results' columns. Writes no table while any row has no result file yet.
"""

import argparse
import csv
import io
import json

from template_io import fail, read_rows, result_path, write_atomic


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.error = fail  # a usage mistake is one line, too
    parser.add_argument("--study", required=True, help="folder of params.csv")
    args = parser.parse_args()

    rows = read_rows(args.study)
    paths = {row["name"]: result_path(args.study, row["name"]) for row in rows}
    missing = [name for name, path in paths.items() if not path.is_file()]
    if missing:
        fail(f"no result yet for {len(missing)} rows: {', '.join(missing)}")
    results = []
    for path in paths.values():
        try:
            results.append(json.loads(path.read_text()))
        except (OSError, ValueError) as err:
            fail(f"cannot read {path}: {err}")

    columns = list(rows[0]) + sorted(set().union(*results) - set(rows[0]))
    text = io.StringIO()
    writer = csv.DictWriter(text, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(results, key=lambda result: result["name"]))
    table = result_path(args.study, "table").with_suffix(".csv")
    write_atomic(table, text.getvalue())
    print(f"{table}: {len(results)} rows")


if __name__ == "__main__":
    main()
