"""Fixtures for the tests that submit the lesson's files to a real Slurm cluster.

Every test works in a fresh copy of the code/ tree (never in the repository), runs the commands the
pages show from inside that copy, with the project's virtual environment first on PATH so that the
jobs find the same Python, and waits on the real scheduler.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Every state a job can end in; anything else means it is still queued, running or finishing.
FINAL_STATES = {
    "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL",
    "PREEMPTED", "BOOT_FAIL", "DEADLINE",
}


def venv_bin() -> pathlib.Path:
    candidate = ROOT / ".venv" / "bin"
    return candidate if (candidate / "python").exists() else pathlib.Path(sys.executable).parent


def learner_env() -> dict[str, str]:
    """The environment of a learner's shell with the lesson's Python environment activated."""
    env = dict(os.environ)
    env["PATH"] = f"{venv_bin()}{os.pathsep}{env.get('PATH', '')}"
    env.pop("SLURM_CONF", None)  # commands find /etc/slurm/slurm.conf, as on a real cluster
    return env


class Shell:
    """Runs commands as a learner would, from one folder, and reports failures with their output."""

    def __init__(self, cwd: pathlib.Path):
        self.cwd = cwd
        self.env = learner_env()

    def run(self, cmd, *, check=True, timeout=600, cwd=None) -> subprocess.CompletedProcess:
        shell = isinstance(cmd, str)
        proc = subprocess.run(
            cmd if shell else [str(c) for c in cmd],
            shell=shell, executable="/bin/bash" if shell else None,
            cwd=cwd or self.cwd, env=self.env, capture_output=True, text=True, timeout=timeout,
        )
        if check and proc.returncode != 0:
            pytest.fail(
                f"command failed ({proc.returncode}): {cmd}\n"
                f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
            )
        return proc


class Slurm:
    """Small helpers around squeue/sacct/scancel for waiting on real jobs."""

    def __init__(self, shell: Shell):
        self.shell = shell

    def queued(self, job_ids) -> list[tuple[str, str, str]]:
        """(job id, state, reason) of every job or array task of job_ids still in the queue."""
        out = self.shell.run(
            ["squeue", "--noheader", "--array", f"--jobs={','.join(job_ids)}", "--format=%i|%T|%r"],
            check=False,
        )
        return [tuple(line.split("|")) for line in out.stdout.splitlines() if line.strip()]

    def accounting(self, job_ids) -> dict[str, str]:
        """{job id (with _task for array tasks): state} from sacct, job allocations only."""
        out = self.shell.run(
            ["sacct", "--noheader", "--parsable2", "--allocations", "--duplicates",
             f"--jobs={','.join(job_ids)}", "--format=JobID,State"]
        )
        states = {}
        for line in out.stdout.splitlines():
            job, state = line.split("|")
            states[job] = state.split()[0]  # "CANCELLED by 0" -> "CANCELLED"
        return states

    def wait(self, job_ids, timeout=600, records=None) -> dict[str, str]:
        """Wait until every job (and array task) has left the queue and sacct has its final state.

        records: how many sacct records to wait for; by default one per job ID, but an array job
        that ran has one per task. slurmdbd does not record them all at the same moment.
        """
        job_ids = [str(j) for j in job_ids]
        records = len(job_ids) if records is None else records
        end = time.monotonic() + timeout
        while self.queued(job_ids):
            if time.monotonic() > end:
                pytest.fail(f"jobs {job_ids} still queued after {timeout} s: {self.queued(job_ids)}")
            time.sleep(1)
        # slurmdbd records the end of a job shortly after it leaves the queue.
        while True:
            states = self.accounting(job_ids)
            if len(states) >= records and all(s in FINAL_STATES for s in states.values()):
                return states
            if time.monotonic() > end:
                pytest.fail(f"sacct has no final state for {job_ids} after {timeout} s: {states}")
            time.sleep(1)


def copy_code(destination: pathlib.Path) -> pathlib.Path:
    """A fresh copy of the lesson's code/ tree, without outputs of earlier runs."""
    target = destination / "code"
    top = ROOT / "code"
    outputs = {"data", "results", "params.txt", ".snakemake", "logs"}

    def ignore(folder, names):
        skip = {n for n in names if n == "__pycache__" or (n.startswith("slurm-") and n.endswith(".out"))}
        if pathlib.Path(folder) == top:
            skip |= outputs.intersection(names)
        return skip

    shutil.copytree(top, target, ignore=ignore)
    return target


@pytest.fixture
def code_dir(tmp_path) -> pathlib.Path:
    return copy_code(tmp_path)


@pytest.fixture
def shell(code_dir) -> Shell:
    return Shell(code_dir)


@pytest.fixture
def slurm(shell) -> Slurm:
    return Slurm(shell)


@pytest.fixture(scope="session")
def local_results(tmp_path_factory) -> dict[str, bytes]:
    """The result files of a plain serial run on this machine (no Slurm): the reference."""
    code = copy_code(tmp_path_factory.mktemp("local"))
    sh = Shell(code)
    sh.run(["python", "python/scikit_example/preprocess.py"])
    sh.run(["python", "python/scikit_example/train_and_plot.py"])
    return read_tree(code / "results")


def read_tree(folder: pathlib.Path) -> dict[str, bytes]:
    """{relative path: content} of every file below folder."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def assert_same_files(produced: dict[str, bytes], expected: dict[str, bytes]):
    """Both sets hold the same file names, with byte-identical contents."""
    assert sorted(produced) == sorted(expected), (
        f"missing: {sorted(set(expected) - set(produced))}, "
        f"unexpected: {sorted(set(produced) - set(expected))}"
    )
    differing = [name for name in expected if produced[name] != expected[name]]
    assert not differing, f"files differ from the local serial run: {differing}"


@pytest.fixture
def same_files():
    return assert_same_files


@pytest.fixture
def tree():
    return read_tree
