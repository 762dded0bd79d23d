"""Fixtures for the k-nearest-neighbour example's scripts (code/python/scikit_example/).

Every test works in a fresh copy of the code/ folder and runs the scripts the way a learner does:
as separate processes, from inside code/, with paths such as python/scikit_example/preprocess.py.
"""

from __future__ import annotations

import pathlib
import shutil

import pytest

from lessontest.pages import command_lines, learner_blocks
from lessontest.shared import SERIAL_BLOCK, SERIAL_PAGE, serial_run_into
from lessontest.shell import run
from lessontest.tree import copy_code

# The four chapters about the example. full_run runs every command block they show (apart from
# the site-specific ones), in page order; test_knn_pages.py checks that it did.
CHAPTERS = [
    "notebook-to-script.md",
    "preprocess-and-train.md",
    "parameters.md",
    "collecting-results.md",
]
# The exit status every line of a block must give, where it is not 0: a usage error the page
# shows on purpose.
EXIT_STATUS = {"parameters-bad-metric": 2}


@pytest.fixture
def code(tmp_path) -> pathlib.Path:
    """A fresh copy of code/, with nothing run yet."""
    return copy_code(tmp_path)


def _output_files(full_run: pathlib.Path, name: str, line: int):
    """Where the full run keeps the stdout and stderr of line `line` of block `name`."""
    stem = full_run.parent / "outputs" / f"{name}-{line}"
    return stem.with_suffix(".out"), stem.with_suffix(".err")


@pytest.fixture(scope="session")
def full_run(tmp_path_factory) -> pathlib.Path:
    """The whole example, run as the chapters tell learners to, in one fresh copy of code/.

    Every line of every command block of the CHAPTERS, as the page shows it, runs through bash
    from the code/ folder, in page order, and must give its exit status (EXIT_STATUS, else 0).
    The serial run over all 35 combinations (preprocess-and-train.md's block) is the one every
    suite shares (lessontest.shared.serial_reference, made once per test run, by the same lines
    in a fresh copy): its files and outputs are copied in here instead of being made again.
    Each line's output is kept beside the copy (see page_output), the blocks run in
    ../outputs/ran.txt (`page#name`, one a line), and the serial run's results, before later
    pages rewrite some of them, in ../serial_results/. test_knn_pages.py asks for each
    block itself too.
    """
    code = copy_code(tmp_path_factory.mktemp("full"))
    outputs = code.parent / "outputs"
    outputs.mkdir()
    for page in CHAPTERS:
        for name in learner_blocks(page):
            with (outputs / "ran.txt").open("a") as ran:
                ran.write(f"{page}#{name}\n")
            if (page, name) == (SERIAL_PAGE, SERIAL_BLOCK):  # the run every suite shares
                printed = serial_run_into(tmp_path_factory, code)
                assert [p["line"] for p in printed] == command_lines(page, name)
                for number, line in enumerate(printed):
                    out, err = _output_files(code, name, number)
                    out.write_text(line["stdout"])
                    err.write_text(line["stderr"])
                continue
            status = EXIT_STATUS.get(name, 0)
            for number, line in enumerate(command_lines(page, name)):
                proc = run(line, code, check=False)
                out, err = _output_files(code, name, number)
                out.write_text(proc.stdout)
                err.write_text(proc.stderr)
                if proc.returncode != status:
                    pytest.fail(
                        f"{page}#{name}: `{line}` exited with {proc.returncode}, expected "
                        f"{status}\n{proc.stdout}\n{proc.stderr}"
                    )
        if page == "preprocess-and-train.md":  # keep the serial run's files for comparisons
            shutil.copytree(code / "results", code.parent / "serial_results")
    return code


@pytest.fixture(scope="session")
def page_output(full_run):
    """page_output("parameters-by-index", 1) -> (stdout, stderr) of that block's second line in
    the full run."""

    def read(name: str, line: int = 0) -> tuple[str, str]:
        out, err = _output_files(full_run, name, line)
        assert out.exists(), f"the full run ran no line {line} of a block {name!r}"
        return out.read_text(), err.read_text()

    return read
