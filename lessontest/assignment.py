"""What the assignment's test modules share beyond lessontest: where the starting scripts and the
reference workflows are, a fresh copy of one workflow, and the page's runs by block name.

Imported as `from lessontest.assignment import ...`.
"""

from __future__ import annotations

import pathlib
import subprocess

import pytest

from lessontest.pages import command
from lessontest.paths import ROOT
from lessontest.shared import once
from lessontest.shell import run
from lessontest.tree import copy_lesson

PAGE = "assignment.md"
SOLUTIONS = ROOT / "solutions" / "assignment"
EXERCISES = ROOT / "exercises" / "assignment"
# Never more than the 2 cores the lesson's machines have.
CORES = "2"
# Each reference workflow's small test configuration (inside its folder).
SMALL = ".test/config_small/config.yaml"


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


def small_run(tmp_path_factory, option: str):
    """One workflow run locally on its small config (`snakemake --cores 2 --configfile SMALL`) in
    a fresh copy: (its folder, the process). Made once per test run and shared by every worker
    (lessontest.shared.once): tests/assignment checks it, and tests/on_cluster compares the Slurm
    run with it. Treat the folder as read-only."""

    def make(folder: pathlib.Path) -> None:
        workdir = copy_workflow(option, folder / "copy")
        proc = run(["snakemake", "--cores", CORES, "--configfile", SMALL], workdir)
        (folder / "stdout").write_text(proc.stdout)
        (folder / "stderr").write_text(proc.stderr)

    folder = once(tmp_path_factory, f"assignment-{option}-small", make)
    workdir = folder / "copy" / "solutions" / "assignment" / option
    output = [(folder / name).read_text() for name in ("stdout", "stderr")]
    return workdir, subprocess.CompletedProcess(["snakemake"], 0, *output)


FURTHER = "snakemake-further.md"
# The blocks of snakemake-further.md that stop with an error on purpose (a refused setting).
FURTHER_REFUSED = {"snakemake-further-bad-config", "snakemake-further-2-typo"}
