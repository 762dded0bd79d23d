"""The assignment's shared run of its page (content/assignment.md).

Every workflow runs in a copy under pytest's tmp_path, never in solutions/ itself, so tests
never leave results/, logs/ or .snakemake/ behind in the repository and can run side by side.
"""

from __future__ import annotations

import subprocess

import pytest

from lessontest.assignment import FURTHER, FURTHER_REFUSED
from lessontest.pages import command, learner_blocks
from lessontest.shell import run
from lessontest.tree import copy_lesson

PAGE = "assignment.md"


@pytest.fixture(scope="session")
def page_runs(tmp_path_factory):
    """Every command block of the page (blocks marked site-specific are not run), run once as the
    page shows it, in page order, in one learner's copy of exercises/ and solutions/, and in ONE
    shell, as a learner types them one after another into one terminal: a block that leaves the
    shell in another folder breaks the next one.

    Each block's output goes to its own files, so tests can read what each printed. The shell runs
    with `bash -euo pipefail`: the first failing block stops it, and the blocks after it have no
    result. Returns the copy's root and {block name: (block, CompletedProcess)}. Other tests reuse
    these runs' outputs instead of running the same workflows again (its page_run).
    """
    base = copy_lesson(tmp_path_factory.mktemp("page"), folders=("exercises", "solutions"))
    outputs = tmp_path_factory.mktemp("page-outputs")
    names = learner_blocks(PAGE)
    texts = {name: command(PAGE, name) for name in names}
    session = "".join(
        f"{{\n{texts[name]}}} >{outputs / name}.out 2>{outputs / name}.err\n"
        f"touch {outputs / name}.ok\n"
        for name in names
    )
    shell = run(session, base, check=False, timeout=1200)
    runs = {}
    for name in names:
        ok = (outputs / f"{name}.ok").exists()
        out, err = outputs / f"{name}.out", outputs / f"{name}.err"
        runs[name] = (
            texts[name],
            subprocess.CompletedProcess(
                texts[name],
                0 if ok else (shell.returncode or 1),
                out.read_text() if out.exists() else "",
                err.read_text() if err.exists() else "",
            ),
        )
    return base, runs


@pytest.fixture(scope="session")
def further_runs(tmp_path_factory):
    """Every command block of snakemake-further.md, run once as the page shows it, in page order,
    in one learner's copy of solutions/: the first block from the download's top folder (it goes
    into the tuning workflow's folder), the others in that folder, where the page says to type
    them. Returns the workflow's folder and {block name: CompletedProcess}; a block that is not
    meant to fail must have succeeded (the run stops at the first that did not)."""
    base = copy_lesson(tmp_path_factory.mktemp("further"), folders=("solutions",))
    workdir = base / "solutions" / "assignment" / "tuning"
    runs = {}
    for number, name in enumerate(learner_blocks(FURTHER)):
        refused = name in FURTHER_REFUSED
        runs[name] = run(
            command(FURTHER, name), base if number == 0 else workdir, check=not refused
        )
    return workdir, runs
