"""Results that several suites need, made once per test run and shared by every pytest-xdist worker.

`make test` runs the suites side by side in separate processes, so a session fixture is computed
once per process, not once per run. What more than one suite needs (the plain serial run of the
k-NN example that other runs are compared with, byte for byte) is made here once: the first worker
to ask makes it under a file lock in the run's shared temporary folder; the others wait and reuse
it. Treat the folder as read-only; copy what you change.
"""

from __future__ import annotations

import fcntl
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


def serial_reference(tmp_path_factory, small: bool = False) -> pathlib.Path:
    """A learner's code/ folder after the plain serial run of the k-NN example (preprocess.py,
    then train_and_plot.py over the whole grid, or over the SMALL_GRID): the reference that the
    array, Snakemake and Slurm runs are compared with, byte for byte. Made once per test run."""
    from lessontest.shell import run
    from lessontest.tree import copy_lesson

    def make(folder: pathlib.Path) -> None:
        code = copy_lesson(folder) / "code"
        if small:
            shrink_grid(code)
        for script in ("preprocess.py", "train_and_plot.py"):
            run(["python", f"python/scikit_example/{script}"], code, timeout=900)

    name = "knn-serial-reference-small" if small else "knn-serial-reference"
    return once(tmp_path_factory, name, make) / "code"
