"""Helpers of the template's tests: the studies' paths, a study run without Slurm, and the
fixture `wine_serial` (the conftest.py of tests/template/ and tests/on_cluster/ import it)."""

from __future__ import annotations

import pathlib

import pytest

from lessontest.shared import once
from lessontest.shell import python_in_process
from lessontest.tree import copy_code

WINE = "python/wine_forest"
TEMPLATE = "python/template"
TASK = "python/template/task.py"
COLLECT = "python/template/collect.py"
# The template's batch scripts: the tasks, and the collection after them.
ARRAY_JOB = "slurm/template/array.sh"
COLLECT_JOB = "slurm/template/collect.sh"


def run_study(code: pathlib.Path, study: str, indices) -> bytes:
    """Every row of `study` one after the other, in this process (no Slurm), then the
    collection: the serial run a learner can do on their own computer. Returns the table."""
    for index in indices:
        proc = python_in_process(TASK, "--study", study, "--index", index, cwd=code)
        assert proc.returncode == 0, proc.stderr
    proc = python_in_process(COLLECT, "--study", study, cwd=code)
    assert proc.returncode == 0, proc.stderr
    return (code / "results" / pathlib.Path(study).name / "table.csv").read_bytes()


def rows(code: pathlib.Path, study: str) -> int:
    return len((code / study / "params.csv").read_text().splitlines()) - 1


@pytest.fixture(scope="session")
def wine_serial(tmp_path_factory) -> bytes:
    """The wine study's table from a serial run outside Slurm (one thread per forest), made once
    per test run for every suite that compares with it."""

    def make(folder: pathlib.Path) -> None:
        code = copy_code(folder)
        (folder / "table.csv").write_bytes(run_study(code, WINE, range(rows(code, WINE))))

    return (once(tmp_path_factory, "wine-serial", make) / "table.csv").read_bytes()
