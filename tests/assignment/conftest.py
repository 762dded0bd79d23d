"""Fixtures for the assignment's tests: copies of the reference workflows and a Snakemake runner.

Every workflow runs in a copy under pytest's tmp_path, never in solutions/ itself, so tests
never leave results/, logs/ or .snakemake/ behind in the repository and can run side by side.
"""

from __future__ import annotations

import collections
import os
import pathlib
import re
import shutil
import subprocess
import sys
import types

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions" / "assignment"
EXERCISES = ROOT / "exercises" / "assignment"
BIN = pathlib.Path(sys.executable).parent
# Never more than the 2 cores the lesson's machines have.
CORES = "2"


def environment() -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def copy_workflow(option: str, dest: pathlib.Path) -> pathlib.Path:
    """A clean copy of one reference workflow (no results, logs or Snakemake state)."""
    shutil.copytree(
        SOLUTIONS / option,
        dest,
        ignore=shutil.ignore_patterns(".snakemake", "results", "logs", "benchmarks", "__pycache__"),
    )
    return dest


def snakemake(cwd, *args, check=True, timeout=400) -> subprocess.CompletedProcess:
    """Run snakemake in cwd; with check, fail the test with its output if it fails."""
    cmd = [str(BIN / "snakemake"), *map(str, args)]
    proc = subprocess.run(cmd, cwd=cwd, env=environment(), capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def jobs_ran(proc: subprocess.CompletedProcess) -> collections.Counter:
    """How many jobs of each rule finished in this run, read from Snakemake's own log lines."""
    return collections.Counter(re.findall(r"Finished jobid: \d+ \(Rule: (\w+)\)", proc.stdout + proc.stderr))


def planned_jobs(proc: subprocess.CompletedProcess) -> dict:
    """The 'Job stats' table of a dry run, as {rule: count} (without the 'total' row)."""
    text = proc.stdout + proc.stderr
    table = text.split("Job stats:", 1)[1]
    counts = dict(re.findall(r"^(\w+)\s+(\d+)\s*$", table, flags=re.MULTILINE))
    counts.pop("total", None)
    return {rule: int(n) for rule, n in counts.items()}


def tree_bytes(folder: pathlib.Path) -> dict:
    """Every file below folder, by relative path, with its bytes: for byte-identity checks."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


PAGE = ROOT / "content" / "assignment.md"


def bash_blocks() -> list[str]:
    """The ```bash blocks of the assignment page, in page order."""
    return re.findall(r"^```bash\n(.*?)^```$", PAGE.read_text(), flags=re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="session")
def page_runs(tmp_path_factory):
    """Every ```bash block of the page, run once as written, in one fresh copy of the assignment.

    The copy is laid out like the repository (exercises/assignment/, solutions/assignment/), so the
    page's `cd` lines work. Each block runs with `bash -e -o pipefail`. Returns the copy's root and
    one (block, CompletedProcess) pair per block. Other tests reuse these runs' outputs instead of
    running the same workflows again.
    """
    base = tmp_path_factory.mktemp("page")
    for part in ["exercises", "solutions"]:
        shutil.copytree(
            ROOT / part / "assignment", base / part / "assignment",
            ignore=shutil.ignore_patterns(".snakemake", "results", "logs", "benchmarks", "resources", "__pycache__"),
        )
    runs = []
    for block in bash_blocks():
        proc = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", block],
            cwd=base, env=environment(), capture_output=True, text=True, timeout=600,
        )
        runs.append((block, proc))
    return base, runs


def page_run(page_runs, command: str):
    """The run of the one page block that contains command: (copy root, block, process)."""
    base, runs = page_runs
    found = [(block, proc) for block, proc in runs if command in block]
    assert len(found) == 1, f"expected one block with {command!r} on the page, found {len(found)}"
    block, proc = found[0]
    assert proc.returncode == 0, f"page block failed:\n{block}\n{proc.stdout}\n{proc.stderr}"
    return base, block, proc


@pytest.fixture(scope="session")
def helpers():
    """The module-level helpers, for test modules (importlib mode cannot import this file)."""
    return types.SimpleNamespace(
        ROOT=ROOT, SOLUTIONS=SOLUTIONS, EXERCISES=EXERCISES, BIN=BIN, CORES=CORES,
        environment=environment, copy_workflow=copy_workflow, snakemake=snakemake,
        jobs_ran=jobs_ran, planned_jobs=planned_jobs, tree_bytes=tree_bytes,
        bash_blocks=bash_blocks, page_run=page_run,
    )
