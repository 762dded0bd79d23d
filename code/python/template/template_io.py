"""What task.py and collect.py share: the rows, result files, safe writes.

A study is a folder with params.csv (a header line, then one row per task,
each with a `name` and a `seed`) and work.py (a function work(row, seed)).
A problem with either file stops the script with one line that names it.
"""

import csv
import os
import pathlib
import re
import sys


def fail(message):
    """Stop the script with one line on stderr, exit status 1."""
    sys.exit(f"{pathlib.Path(sys.argv[0]).name}: error: {message}")


def read_rows(study):
    """The rows of STUDY/params.csv as dicts of texts, checked."""
    path = pathlib.Path(study, "params.csv")
    try:
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        fail(f"cannot read {path}: {getattr(err, 'strerror', None) or err}")
    if not rows:
        fail(f"{path} has no rows below its header line")
    names = set()
    for line, row in enumerate(rows, start=2):
        where = f"{path}, line {line}"
        if None in row or None in row.values():
            fail(f"{where}: not one value for each column of the header")
        name = row.get("name") or ""
        if not re.fullmatch(r"\w[\w.-]*", name) or name in names:
            fail(f"{where}: needs a unique name (letters, digits, . _ -)")
        names.add(name)
        if not re.fullmatch(r"\d+", row.get("seed") or ""):
            fail(f"{where}: needs a seed, a whole number")
    return rows


def load_work(study):
    """The function work(row, seed) of STUDY/work.py."""
    path = pathlib.Path(study, "work.py")
    if not path.is_file():
        fail(f"no {path}: a study needs one, with a function work(row, seed)")
    sys.path.insert(0, str(path.parent.resolve()))
    import work

    return work.work


def result_path(study, name):
    """The result file of row `name`: results/<study>/<name>.json."""
    folder = pathlib.Path(study).resolve().name
    return pathlib.Path("results", folder, f"{name}.json")


def write_atomic(path, text):
    """Write text to a temporary file beside path, then rename it over path:
    a reader never sees half a file, and a failed write leaves none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
