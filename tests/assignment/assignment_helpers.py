"""What the assignment's test modules share beyond lessontest: where the starting scripts and the
reference workflows are, a fresh copy of one workflow, and the page's runs by block name.

Imported as `from assignment.assignment_helpers import ...` (tests/ is on sys.path;
tests/assignment is a namespace package).
"""

from __future__ import annotations

import pathlib

import pytest

from lessontest.pages import command
from lessontest.paths import ROOT
from lessontest.tree import copy_lesson

PAGE = "assignment.md"
SOLUTIONS = ROOT / "solutions" / "assignment"
EXERCISES = ROOT / "exercises" / "assignment"
# Never more than the 2 cores the lesson's machines have.
CORES = "2"


def copy_workflow(option: str, dest: pathlib.Path) -> pathlib.Path:
    """A learner's copy of one reference workflow (as in the download: no results, logs or
    Snakemake state), laid out like the repository under `dest`; returns the workflow's folder."""
    return copy_lesson(dest, folders=("solutions",)) / "solutions" / "assignment" / option


def page_run(page_runs, name: str):
    """The run of the page's block `name` (see the page_runs fixture): (copy root, block, process).
    The block must have succeeded."""
    base, runs = page_runs
    block = command(PAGE, name)
    ran, proc = runs[name]
    assert ran == block
    if proc.returncode != 0:
        pytest.fail(
            f"page block {name} failed ({proc.returncode}):\n{block}\n{proc.stdout}\n{proc.stderr}"
        )
    return base, block, proc
