"""Talking to a real Slurm cluster as a learner does: a shell in one folder, waiting for jobs to
reach a final state in sacct, and picking a test's own jobs out of the accounting (other suites'
jobs share the cluster)."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import time

import pytest

from bench_names import FINAL_STATES  # every state a job can end in
from lessontest.shell import learner_env, run


class Shell:
    """A learner's shell in one folder (by default): lessontest.shell.run there, so a list is run
    as it is, a string (a page's block) by `bash -euo pipefail`, and a failing command fails the
    test with its output. When the folder holds the site's settings (code/site.env, in every copy
    of the code tree), the shell has read them with `source site.env` first, as the setup page
    tells learners to."""

    def __init__(self, cwd: pathlib.Path):
        self.cwd = cwd
        self.env = learner_env()
        if (cwd / "site.env").is_file():
            self.env = sourced(self.env, cwd)

    def run(self, cmd, *, check=True, timeout=600, cwd=None) -> subprocess.CompletedProcess:
        return run(cmd, cwd or self.cwd, env=self.env, check=check, timeout=timeout)


def sourced(env: dict[str, str], cwd: pathlib.Path) -> dict[str, str]:
    """The environment `env` after `source site.env` in folder `cwd` (the setup page's block)."""
    from lessontest.pages import command

    proc = run(f"{command('setup.md', 'site-env')}\nenv -0", cwd, env=env)
    return dict(item.split("=", 1) for item in proc.stdout.split("\0") if "=" in item)


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


def kib(size: str) -> float:
    """A size as sacct prints it (MaxRSS, ReqMem), in KiB: "138140K", and also "203M" or "1.50G",
    the larger unit sacct picks whenever the value divides evenly into it."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]?)", size)
    assert match, f"not a size as sacct prints it: {size!r}"
    return float(match[1]) * 1024 ** "KMGT".index(match[2] or "K")


def sacct_table(text: str) -> list[list[str]]:
    """The rows of the sacct table that `text` (a page block's output) starts with, split into
    columns: its lines below the two header lines whose first column is a job ID (12, 12_3,
    12.batch); lines that other commands of the block printed are left out."""
    lines = text.splitlines()
    assert len(lines) > 2 and set(lines[1].replace("-", "")) <= {" "}, text
    rows = [line.split() for line in lines[2:]]
    return [row for row in rows if row and re.fullmatch(r"\d+(_\d+)?(\.\w+)?", row[0])]


def submitted_id(stdout: str) -> str:
    """The job ID in sbatch's 'Submitted batch job N'."""
    match = re.search(r"Submitted batch job (\d+)", stdout)
    assert match, f"sbatch printed no job ID: {stdout!r}"
    return match.group(1)


def now_for_sacct() -> str:
    """A start time for `jobs_run_in`: one second ago, in the local time sacct expects."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 1))


def _allocations_in(folder: pathlib.Path, since: str, fields: str) -> tuple[list[list[str]], str]:
    """sacct's `fields` (after WorkDir) of the job allocations that started at or after `since`
    and ran in `folder`, and sacct's whole output for messages."""
    acct = run(
        [
            "sacct",
            "--noheader",
            "--parsable2",
            "--allocations",
            f"--starttime={since}",
            f"--format=WorkDir,{fields}",
        ],
        folder,
        timeout=60,
    ).stdout
    rows = [line.split("|") for line in acct.splitlines()]
    return [row[1:] for row in rows if row[0] == str(folder)], acct


def jobs_run_in(folder: pathlib.Path, since: str) -> tuple[dict[str, str], str]:
    """({job ID: state} of the job allocations that started at or after `since` and ran in
    `folder`, sacct's whole output for messages). Other suites' jobs share the cluster, so a
    test picks out its own by their working folder."""
    rows, acct = _allocations_in(folder, since, "JobID,State")
    return dict(rows), acct


SETTINGS = ("account", "partition", "qos", "reservation")


def settings_of_jobs(folder: pathlib.Path, since: str, timeout: float = 60) -> list[dict[str, str]]:
    """The account, partition, QOS and reservation of each job allocation that started at or
    after `since` and ran in `folder`, from sacct. A job's record reaches the accounting in
    pieces (right after it ends, its partition may still be empty and its QOS "Unknown"), so
    this asks again until every record is whole."""
    end = time.monotonic() + timeout
    while True:
        rows, _ = _allocations_in(folder, since, "Account,Partition,QOS,Reservation")
        ours = [dict(zip(SETTINGS, row, strict=True)) for row in rows]
        whole = all(job["partition"] and job["qos"] != "Unknown" for job in ours)
        if (ours and whole) or time.monotonic() > end:
            return ours
        time.sleep(1)


# Where cluster/up.sh keeps the practice cluster's state, and how it enforces memory there.
CLUSTER_STATE = pathlib.Path(os.environ.get("LESSON_SLURM_DIR", "/tmp/lesson-slurm"))


def memory_limits() -> str:
    """ "cgroup" (the kernel stops a job over its --mem: OUT_OF_MEMORY) or "sampling" (Slurm
    kills it at a sample: FAILED), as cluster/up.sh started the practice cluster."""
    return (CLUSTER_STATE / "memory-limits").read_text().strip()
