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
import shutil
from collections.abc import Callable


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


def serial_reference(tmp_path_factory) -> pathlib.Path:
    """A learner's code/ folder after the plain serial run of the k-NN example (preprocess.py,
    then train_and_plot.py over the whole grid): the reference that the array, Snakemake and
    Slurm runs are compared with, byte for byte. Made once per test run."""
    from lessontest.shell import run
    from lessontest.tree import copy_lesson

    def make(folder: pathlib.Path) -> None:
        code = copy_lesson(folder) / "code"
        for script in ("preprocess.py", "train_and_plot.py"):
            run(["python", f"python/scikit_example/{script}"], code, timeout=900)

    return once(tmp_path_factory, "knn-serial-reference", make) / "code"
