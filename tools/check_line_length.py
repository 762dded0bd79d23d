"""Check that the non-Python files learners read fit the page's code column.

Pages show shell scripts, Snakefiles, rule files (.smk), YAML profiles and
configs, the Dockerfile and the Apptainer definition from code/, exercises/
and solutions/ in a column of about 79 characters; a longer line scrolls
sideways and hides its end. ruff checks the Python files; this checks the
rest. Data files (params.txt, CSV, JSON) are exempt.

    python tools/check_line_length.py              # every such file
    python tools/check_line_length.py FILE ...     # only these files

Prints one line per offending line, `path:line: N characters (limit 79)`,
and exits with status 1 if there is any.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

from lessontest.generators import code_archive

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIMIT = 79
NAMES = {"Snakefile", "Dockerfile"}
SUFFIXES = {".sh", ".smk", ".yml", ".yaml", ".def"}


def _code_files() -> list[str]:
    """The files of code/, exercises/ and solutions/, whose code pages show."""
    return code_archive.code_files(ROOT)


def shown_files() -> list[pathlib.Path]:
    """Every shell script, Snakefile, .smk, YAML, Dockerfile and .def file."""
    paths = (ROOT / name for name in _code_files())
    return [p for p in paths if p.name in NAMES or p.suffix in SUFFIXES]


def long_lines(path: pathlib.Path, limit: int) -> list[tuple[int, int]]:
    """(line number, length) of every line of path longer than limit."""
    text = path.read_text(encoding="utf-8")
    return [
        (number, len(line))
        for number, line in enumerate(text.splitlines(), start=1)
        if len(line) > limit
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "files",
        nargs="*",
        type=pathlib.Path,
        help="files to check (default: every shown non-Python file)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=LIMIT,
        help="longest allowed line, in characters (default: %(default)s)",
    )
    args = parser.parse_args()
    files = args.files or shown_files()
    found = 0
    for path in files:
        try:
            lines = long_lines(path, args.limit)
        except (OSError, UnicodeDecodeError) as err:
            parser.exit(2, f"{parser.prog}: error: cannot read {path}: {err}\n")
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        for number, length in lines:
            print(f"{shown}:{number}: {length} characters (limit {args.limit})")
            found += 1
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
