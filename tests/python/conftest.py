"""Fixtures for the k-nearest-neighbour example's scripts (code/python/scikit_example/).

Every test works in a fresh copy of the code/ folder and runs the scripts the way a learner does:
as separate processes, from inside code/, with paths such as python/scikit_example/preprocess.py.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPTS = "python/scikit_example"
# Outputs of earlier runs that a learner's fresh copy of code/ would not contain.
LEFTOVERS = {"data", "results", "params.txt", "knn_iris.png", ".snakemake", "__pycache__"}


def copy_code(destination: pathlib.Path) -> pathlib.Path:
    """Copy the repository's code/ folder (without run outputs) to destination/code."""
    target = destination / "code"

    def ignore(folder, names):
        top = pathlib.Path(folder) == ROOT / "code"
        return [n for n in names if n == "__pycache__" or (top and n in LEFTOVERS)]

    shutil.copytree(ROOT / "code", target, ignore=ignore)
    return target


def learner_env() -> dict:
    """The environment of a learner's shell: the project's Python first on PATH, no display."""
    env = {k: v for k, v in os.environ.items() if k not in {"MPLBACKEND", "DISPLAY", "PYTHONPATH"}}
    env["PATH"] = f"{pathlib.Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_script(code: pathlib.Path, script: str, *args, check=True) -> subprocess.CompletedProcess:
    """Run python python/scikit_example/<script> <args> from the code/ folder."""
    cmd = [sys.executable, f"{SCRIPTS}/{script}", *map(str, args)]
    proc = subprocess.run(cmd, cwd=code, env=learner_env(), capture_output=True, text=True,
                          timeout=600)
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd[1:])} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def snapshot(folder: pathlib.Path) -> dict[str, bytes]:
    """Every file under folder (hidden ones too), by relative path, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture
def code(tmp_path) -> pathlib.Path:
    """A fresh copy of code/, with nothing run yet."""
    return copy_code(tmp_path)


# The commands the four chapters about the example tell learners to type, page by page and in
# order, with the exit status each must give (2: a usage error the page shows on purpose).
# test_knn_pages.py checks that the pages' ```bash blocks hold exactly these lines.
PAGE_COMMANDS = {
    "notebook-to-script.md": [
        ("jupyter nbconvert --to script jupyter/knn_iris.ipynb", 0),
        ("python python/scikit_example/knn_iris.py", 0),
    ],
    "preprocess-and-train.md": [
        ("python python/scikit_example/grid.py", 0),
        ("python python/scikit_example/preprocess.py", 0),
        ("python python/scikit_example/train_and_plot.py", 0),
    ],
    "parameters.md": [
        ("python python/scikit_example/train_one.py --help", 0),
        ("python python/scikit_example/train_one.py --n_neighbors 8 --metric manhattan", 0),
        ("python python/scikit_example/create_parameter_file.py", 0),
        ("python python/scikit_example/train_one.py --index 12 --params params.txt", 0),
        ("python python/scikit_example/train_one.py --n_neighbors 8 --metric hamming", 2),
    ],
    "collecting-results.md": [
        ("python python/scikit_example/collect_results.py", 0),
    ],
}


@pytest.fixture(scope="session")
def full_run(tmp_path_factory) -> pathlib.Path:
    """The whole example, run as the chapters tell learners to, in one fresh copy of code/.

    Every command of PAGE_COMMANDS runs through bash, literally, from the code/ folder, in page
    order. This is the one complete serial run (all 35 combinations) that the read-only tests
    inspect. Each command's output is kept beside the copy: ../outputs/<page>-<n>.out / .err, and
    the serial run's results, before later pages rewrite some of them, in ../serial_results/.
    """
    code = copy_code(tmp_path_factory.mktemp("full"))
    outputs = code.parent / "outputs"
    outputs.mkdir()
    for page, commands in PAGE_COMMANDS.items():
        for number, (command, status) in enumerate(commands):
            proc = subprocess.run(["bash", "-c", command], cwd=code, env=learner_env(),
                                  capture_output=True, text=True, timeout=600)
            (outputs / f"{page}-{number}.out").write_text(proc.stdout)
            (outputs / f"{page}-{number}.err").write_text(proc.stderr)
            if proc.returncode != status:
                pytest.fail(f"{page}: `{command}` exited with {proc.returncode}, expected {status}"
                            f"\n{proc.stdout}\n{proc.stderr}")
        if page == "preprocess-and-train.md":  # keep the serial run's files for comparisons
            shutil.copytree(code / "results", code.parent / "serial_results")
    return code


@pytest.fixture(scope="session")
def script():
    """script(code, "train_one.py", "--index", 3, check=False) runs one script as a learner does."""
    return run_script


@pytest.fixture(scope="session")
def files():
    """files(folder) maps every file under folder (hidden ones too) to its bytes."""
    return snapshot


@pytest.fixture(scope="session")
def env():
    """The environment the scripts run in (the project's Python first on PATH, no display)."""
    return learner_env()


@pytest.fixture(scope="session")
def page_output(full_run):
    """page_output("parameters.md", 2) -> (stdout, stderr) of that page's third command."""

    def read(page: str, number: int) -> tuple[str, str]:
        outputs = full_run.parent / "outputs"
        return ((outputs / f"{page}-{number}.out").read_text(),
                (outputs / f"{page}-{number}.err").read_text())

    return read


@pytest.fixture(scope="session")
def page_commands():
    """PAGE_COMMANDS: each page's commands, in order, with the exit status each must give."""
    return PAGE_COMMANDS
