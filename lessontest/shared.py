"""Results that several suites need, made once per test run and shared by every pytest-xdist worker.

`make test` runs the suites side by side in separate processes, so a session fixture is computed
once per process, not once per run. What more than one suite needs (the plain serial run of the
k-NN example that other runs are compared with, byte for byte; a learner's folder after the core
path, where the pages of the optional tracks start) is made here once: the first worker to ask
makes it under a file lock in the run's shared temporary folder; the others wait and reuse it.
Treat the folder as read-only; copy what you change (`copy_state()` keeps file times and
Snakemake's records).
"""

from __future__ import annotations

import fcntl
import json
import os
import pathlib
import re
import shutil
from collections.abc import Callable

# A 2 x 2 corner of the k-NN grid (code/python/scikit_example/grid.py), for the tests that repeat
# the whole example once per combination on the cluster, where every combination is a Slurm job
# that starts Python (and Snakemake) again. The full grid is run on the cluster by the serial
# batch job and the array pipeline, and locally by every other suite.
SMALL_GRID = ([1, 8], ["euclidean", "cosine"])


def run_folder(tmp_path_factory) -> pathlib.Path:
    """The temporary folder of this test run that every worker shares."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if "PYTEST_XDIST_WORKER" in os.environ else base


def once(tmp_path_factory, name: str, make: Callable[[pathlib.Path], None]) -> pathlib.Path:
    """The folder `name`, filled by `make(folder)` once per test run. If making it fails, the
    folder is removed and the error raised; the next caller tries again (and reports its own
    failure), so a failure is never mistaken for a result."""
    shared = run_folder(tmp_path_factory)
    folder, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                make(folder)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            done.touch()
    return folder


def shrink_grid(code: pathlib.Path) -> None:
    """Give the k-NN example in the learner's copy `code` (a code/ folder) the SMALL_GRID: every
    script, the Snakefile and the parameter file take their combinations from grid.py, so this one
    edit changes them all."""
    path = code / "python" / "scikit_example" / "grid.py"
    text = path.read_text()
    for name, values in zip(("NEIGHBOURS", "METRICS"), SMALL_GRID, strict=True):
        text, found = re.subn(rf"^{name} = \[.*\]$", f"{name} = {values!r}", text, flags=re.M)
        assert found == 1, f"no single '{name} = [...]' line in {path}"
    path.write_text(text)


# The serial run of the example: preprocess-and-train.md's block, each line run from code/.
SERIAL_PAGE, SERIAL_BLOCK = "preprocess-and-train.md", "train-preprocess-and-run"
SERIAL_PRINTED = "serial-printed.json"  # beside the code/ folder: each line and what it printed


def _serial_run(code: pathlib.Path, small: bool = False) -> list[dict[str, str]]:
    """preprocess-and-train.md's run in the learner's copy `code`: its block's lines
    (preprocess.py, then train_and_plot.py over the whole grid, or over the SMALL_GRID), each
    of which must succeed. Returns each line with what it printed."""
    from lessontest.pages import command_lines
    from lessontest.shell import run

    if small:
        shrink_grid(code)
    printed = []
    for line in command_lines(SERIAL_PAGE, SERIAL_BLOCK):
        proc = run(line, code, timeout=900)
        printed.append({"line": line, "stdout": proc.stdout, "stderr": proc.stderr})
    return printed


def serial_reference(tmp_path_factory, small: bool = False) -> pathlib.Path:
    """A learner's code/ folder after the plain serial run of the k-NN example (preprocess.py,
    then train_and_plot.py over the whole grid, or over the SMALL_GRID): the reference that the
    array, Snakemake and Slurm runs are compared with, byte for byte. Made once per test run;
    beside it, SERIAL_PRINTED (JSON: each line of the block and what it printed)."""
    from lessontest.tree import copy_lesson

    def make(folder: pathlib.Path) -> None:
        printed = _serial_run(copy_lesson(folder) / "code", small)
        (folder / SERIAL_PRINTED).write_text(json.dumps(printed, indent=1), encoding="utf-8")

    name = "knn-serial-reference-small" if small else "knn-serial-reference"
    return once(tmp_path_factory, name, make) / "code"


def serial_run_into(tmp_path_factory, code: pathlib.Path) -> list[dict[str, str]]:
    """The serial run of `serial_reference()` (whole grid) given to the learner's code/ folder
    `code`, as if its block had run there: every file the run made (data/, results/) is copied
    in, file times kept. The run reads only the download's files, so `code` must hold those as
    they came (checked). Returns each line of the block with what it printed."""
    reference = serial_reference(tmp_path_factory)
    for path in sorted(reference.rglob("*")):
        relative, target = path.relative_to(reference), code / path.relative_to(reference)
        if not path.is_file() or "__pycache__" in relative.parts:
            continue
        if target.exists():  # one of the download's files: as in the reference's copy
            assert target.read_bytes() == path.read_bytes(), f"{target} is not as downloaded"
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    return json.loads((reference.parent / SERIAL_PRINTED).read_text(encoding="utf-8"))


# The learner's state after the core path (issue 26): what the core chapters' commands leave in
# code/, in reading order, as far as later pages meet it: the serial run, the summary, and
# Snakemake's runs with their records in .snakemake/. The chapters' Slurm jobs (the batch job,
# the arrays) make the same result files as the serial run, so they are not repeated here.
SNAKEMAKE_PAGE = "snakemake.md"
SNAKEMAKE_SLURM_PAGE = "snakemake-slurm.md"
PRINTED = "printed.json"  # beside the code/ folder: what each step printed
BEFORE_SNAKEMAKE = "before-snakemake"  # beside it: results/ and data/ as the chapter found them


def _snakemake_chapter(code: pathlib.Path) -> dict:
    """In `code`, a learner's code/ folder after the serial run: collecting-results.md's block,
    then snakemake.md's blocks in page order, each run as the page shows it. Before the chapter's
    first block (the clean one), a dry run shows the trap it avoids (there is nothing to do).
    Returns what each printed, the text of every block run, and whether the chapter's dry run
    changed a file outside .snakemake/."""
    from lessontest.pages import command, session_blocks
    from lessontest.shell import run

    def output(page: str, name: str) -> str:
        text = command(page, name)
        ran[f"{page}#{name}"] = text
        proc = run(text, code, timeout=900)
        return proc.stdout + proc.stderr

    ran: dict[str, str] = {}
    printed: dict = {"ran": ran, "blocks": {}}
    printed["collect"] = output("collecting-results.md", "collect-run")
    for folder in ("results", "data"):
        shutil.copytree(code / folder, code.parent / BEFORE_SNAKEMAKE / folder)
    printed["dry run before clean"] = output(SNAKEMAKE_PAGE, "snakemake-dry-run")
    for name in session_blocks(SNAKEMAKE_PAGE):
        before = _times_outside_snakemake(code)
        printed["blocks"][name] = output(SNAKEMAKE_PAGE, name)
        if name == "snakemake-dry-run":
            printed["dry run changed files"] = _times_outside_snakemake(code) != before
    return printed


def _times_outside_snakemake(code: pathlib.Path) -> dict[str, int]:
    return {
        str(p.relative_to(code)): p.stat().st_mtime_ns
        for p in sorted(code.rglob("*"))
        if p.is_file() and p.relative_to(code).parts[0] != ".snakemake"
    }


def _snakemake_slurm_chapter(code: pathlib.Path) -> None:
    """snakemake-slurm.md's block in `code`, with the grown Snakefile run locally (`--cores 2`
    for its `--profile`): the same files and the same Snakemake records as its Slurm jobs make."""
    from lessontest.pages import command_lines
    from lessontest.shell import run

    clean, slurm = command_lines(SNAKEMAKE_SLURM_PAGE, "snakemake-slurm")
    local, found = re.subn(r"--profile\s+\S+", "--cores 2", slurm)
    assert found == 1, slurm
    run(clean, code)
    run(local, code, timeout=900)


def after_snakemake_chapter(tmp_path_factory) -> pathlib.Path:
    """A learner's code/ folder after snakemake.md (the serial run, collecting-results.md's block,
    snakemake.md's blocks in page order), made once per test run. Beside it, PRINTED (JSON: what
    each step printed, the block texts run) and BEFORE_SNAKEMAKE/ (results/ and data/ as the
    chapter found them). Copy the folder with `copy_state()` to change it."""

    def make(folder: pathlib.Path) -> None:
        code = copy_state(serial_reference(tmp_path_factory), folder / "code")
        printed = _snakemake_chapter(code)
        (folder / PRINTED).write_text(json.dumps(printed, indent=1), encoding="utf-8")

    return once(tmp_path_factory, "knn-after-snakemake-chapter", make) / "code"


def after_core(tmp_path_factory) -> pathlib.Path:
    """A learner's code/ folder after the core path, made once per test run: the state of
    `after_snakemake_chapter()`, then snakemake-slurm.md's block (run locally). The pages of the
    optional tracks start from a copy of it (`copy_state()`)."""

    def make(folder: pathlib.Path) -> None:
        code = copy_state(after_snakemake_chapter(tmp_path_factory), folder / "code")
        _snakemake_slurm_chapter(code)

    return once(tmp_path_factory, "knn-after-core", make) / "code"


def make_after_core(destination: pathlib.Path) -> pathlib.Path:
    """The state of `after_core()` made in `destination` outside pytest (lessontest/record.py);
    returns the code/ folder."""
    from lessontest.tree import copy_lesson

    code = copy_lesson(destination) / "code"
    _serial_run(code)
    _snakemake_chapter(code)
    _snakemake_slurm_chapter(code)
    return code


def copy_state(code: pathlib.Path, destination: pathlib.Path) -> pathlib.Path:
    """Copy a learner's folder `code` to `destination` as it is: file times, links and Snakemake's
    records (.snakemake/) kept, so that Snakemake sees what it saw there."""
    return pathlib.Path(shutil.copytree(code, destination, symlinks=True))
