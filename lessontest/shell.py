"""A learner's shell: the environment commands run in, running them, and the error contract."""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import pwd
import runpy
import subprocess
import sys
import traceback
from collections.abc import Mapping, Sequence

import pytest

from lessontest.paths import VENV_BIN

# What a learner's fresh login shell does not have, although the test process may: a job's
# SLURM_* variables (and SLURM_CONF: commands find /etc/slurm/slurm.conf, as on a real cluster),
# a plotting backend or display, a PYTHONPATH that would let scripts import what they should
# find on their own, and what `make test` passes to its children (a `make` the tests run would
# act as its sub-make and print "Entering directory" lines).
_NOT_IN_A_LEARNERS_SHELL = (
    "MPLBACKEND",
    "DISPLAY",
    "PYTHONPATH",
    "MAKEFLAGS",
    "MAKELEVEL",
    "MFLAGS",
)


def learner_env(
    extra: Mapping[str, str] | None = None, path_first: Sequence[os.PathLike | str] = ()
) -> dict[str, str]:
    """The environment of a learner's shell with the lesson's Python environment activated: the
    venv's bin folder first on PATH (after any `path_first` folders, e.g. a fake sbatch), without
    the variables above, with VIRTUAL_ENV naming the venv as `activate` sets it (a job that gets
    this environment keeps that venv: code/job-env.sh activates the site's only without it), plus
    `extra`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SLURM_") and key not in _NOT_IN_A_LEARNERS_SHELL
    }
    env["PATH"] = os.pathsep.join([*map(str, path_first), str(VENV_BIN), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(VENV_BIN.parent)
    # A login shell always has $USER (a root shell started by CI may not): pages use it.
    env.setdefault("USER", pwd.getpwuid(os.getuid()).pw_name)
    env.update(extra or {})
    return env


def run(
    cmd: str | Sequence[object],
    cwd: os.PathLike | str,
    *,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """Run a command from folder `cwd` as a learner would, and return the finished process.

    `cmd` is an argument list, or a string of shell lines that bash runs with `-euo pipefail`
    (a page's block: the first failing line stops it). `env` defaults to `learner_env()`.
    With `check`, a non-zero exit fails the test and shows the command's output.
    """
    argv = (
        ["bash", "-euo", "pipefail", "-c", cmd] if isinstance(cmd, str) else [str(c) for c in cmd]
    )
    proc = subprocess.run(
        argv,
        cwd=cwd,
        env=dict(learner_env() if env is None else env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        shown = cmd if isinstance(cmd, str) else " ".join(argv)
        pytest.fail(
            f"command failed ({proc.returncode}) in {cwd}: {shown}\n"
            f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
        )
    return proc


def python(script: os.PathLike | str, *args: object, cwd: os.PathLike | str, **kwargs):
    """`python SCRIPT ARGS...` from `cwd`, with the venv's Python (see run())."""
    return run(["python", script, *args], cwd, **kwargs)


def python_in_process(script: os.PathLike | str, *args: object, cwd: os.PathLike | str):
    """What `python SCRIPT ARGS...` from `cwd` returns, with the script run inside this process.

    For the many small checks of a script's interface (--help, usage mistakes, bad files), which
    would otherwise each start Python and import scikit-learn and Matplotlib again: here they are
    imported once per test process. The script runs as `__main__`, with its own folder first on
    sys.path and fresh copies of its sibling modules, as Python runs a script; its exit status,
    stdout and stderr come back as a CompletedProcess, an unexpected exception as a traceback on
    stderr with status 1. Everything it changed (argv, folder, sys.path, its modules) is put back.
    A real process agrees: tests/python/test_knn_scripts.py and tests/yadage check that.
    """
    path = pathlib.Path(cwd, script).resolve()
    siblings = [p.stem for p in path.parent.glob("*.py")]
    saved_argv, saved_cwd, saved_path = sys.argv, os.getcwd(), list(sys.path)
    saved_modules = {name: sys.modules.pop(name) for name in siblings if name in sys.modules}
    out, err = io.StringIO(), io.StringIO()
    status = 0
    try:
        sys.argv = [str(script), *map(str, args)]
        sys.path.insert(0, str(path.parent))
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                runpy.run_path(str(path), run_name="__main__")
            except SystemExit as exit_:
                if exit_.code is None or isinstance(exit_.code, int):
                    status = exit_.code or 0
                else:  # sys.exit("message"): Python prints the message, exit status 1
                    print(exit_.code, file=sys.stderr)
                    status = 1
            except Exception:
                traceback.print_exc()
                status = 1
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
        os.chdir(saved_cwd)
        for name in siblings:
            sys.modules.pop(name, None)
        sys.modules.update(saved_modules)
    return subprocess.CompletedProcess(
        ["python", str(script), *map(str, args)], status, out.getvalue(), err.getvalue()
    )


def assert_one_error_line(proc: subprocess.CompletedProcess, *words: str) -> None:
    """The project's contract for bad input: the run failed, and said so in one line on stderr
    that names the problem (contains every word) and is not a traceback."""
    assert proc.returncode != 0, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{proc.stderr}"
    assert "Traceback" not in lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
