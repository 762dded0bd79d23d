"""Fixtures for the tests that submit the lesson's files to a real Slurm cluster.

Every test works in a fresh copy of the code/ tree (never in the repository), runs the commands the
pages show from inside that copy (lessontest.pages.command), in a learner's shell with the project's
virtual environment first on PATH so that the jobs find the same Python, and waits on the real
scheduler.
"""

from __future__ import annotations

import pathlib
import subprocess
import time

import pytest

from bench_names import FINAL_STATES  # every state a job can end in
from lessontest.shell import learner_env, run
from lessontest.tree import copy_code, tree_bytes


class Shell:
    """A learner's shell in one folder (by default): lessontest.shell.run there, so a list is run
    as it is, a string (a page's block) by `bash -euo pipefail`, and a failing command fails the
    test with its output."""

    def __init__(self, cwd: pathlib.Path):
        self.cwd = cwd
        self.env = learner_env()

    def run(self, cmd, *, check=True, timeout=600, cwd=None) -> subprocess.CompletedProcess:
        return run(cmd, cwd or self.cwd, env=self.env, check=check, timeout=timeout)


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
            [
                "sacct",
                "--noheader",
                "--parsable2",
                "--allocations",
                "--duplicates",
                f"--jobs={','.join(job_ids)}",
                "--format=JobID,State",
            ]
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
                pytest.fail(
                    f"jobs {job_ids} still queued after {timeout} s: {self.queued(job_ids)}"
                )
            time.sleep(1)
        # slurmdbd records the end of a job shortly after it leaves the queue.
        while True:
            states = self.accounting(job_ids)
            if len(states) >= records and all(s in FINAL_STATES for s in states.values()):
                return states
            if time.monotonic() > end:
                pytest.fail(f"sacct has no final state for {job_ids} after {timeout} s: {states}")
            time.sleep(1)


@pytest.fixture
def code_dir(tmp_path) -> pathlib.Path:
    """A learner's fresh code/ folder, where the commands run."""
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
    return tree_bytes(code / "results")
