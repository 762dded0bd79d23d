"""CONTRIBUTING.md's table of the example's interface names every option each script has.

The table is the contract between chapters; it is checked against each script's own --help, so
an option added to a script without a row update fails here instead of going stale.
"""

from __future__ import annotations

import pathlib
import re

import pytest

from lessontest.paths import ROOT
from lessontest.shell import python_in_process

SCRIPTS = ROOT / "code" / "python" / "scikit_example"
HEADER = "| script (in `python/scikit_example/`) | does |"
# The runnable scripts; the folder's helper modules (script_io.py, knn_files.py) have no
# command line and are described below the table.
RUNNABLE = sorted(p.name for p in SCRIPTS.glob("*.py") if "__main__" in p.read_text())


def interface_rows() -> dict[str, str]:
    """The first cell of each row of the interface table, by script name."""
    lines = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(HEADER) + 2  # past the header and the --- line
    rows = {}
    for line in lines[start:]:
        if not line.startswith("| `"):
            break
        cell = line[len("| `") : line.index("` |")]
        rows[cell.split()[0]] = cell
    return rows


def options_in_help(script: pathlib.Path) -> set[str]:
    proc = python_in_process(script, "--help", cwd=ROOT / "code")
    assert proc.returncode == 0, proc.stderr
    return set(re.findall(r"(?<![\w-])--[a-z][\w-]*", proc.stdout)) - {"--help"}


def test_every_script_of_the_example_has_a_row():
    assert sorted(interface_rows()) == RUNNABLE


def test_the_helper_modules_are_described():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    helpers = sorted(set(p.name for p in SCRIPTS.glob("*.py")) - set(RUNNABLE))
    assert helpers and all(f"`{name}`" in text for name in helpers), helpers


@pytest.mark.parametrize("script", RUNNABLE)
def test_the_row_names_every_option_of_the_script(script):
    cell = interface_rows().get(script, "")
    missing = sorted(
        option
        for option in options_in_help(SCRIPTS / script)
        if not re.search(re.escape(option) + r"(?![\w-])", cell)
    )
    assert not missing, f"CONTRIBUTING.md's row for {script} lacks {', '.join(missing)}"
