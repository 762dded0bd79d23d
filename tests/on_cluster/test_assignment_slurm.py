"""The assignment's reference workflows on the real cluster, each with its own Slurm profile.

Each solution runs twice in fresh copies: once locally (`--cores 2`; the run tests/assignment
checks, made once per test run) and once through Slurm with the command its README gives
(`snakemake --profile profiles/slurm`, here with the small test config so the suite stays short).
The Slurm run must produce the same result files, byte for byte, and every job Snakemake says it
submitted must appear in Slurm's accounting as COMPLETED, run in that copy.
"""

from __future__ import annotations

import re

import pytest

from lessontest.assignment import SMALL, copy_workflow, small_run
from lessontest.shell import run
from lessontest.slurm import jobs_run_in, now_for_sacct
from lessontest.tree import assert_same_files, tree_bytes

pytestmark = pytest.mark.slurm

SUBMITTED = re.compile(r"has been submitted with SLURM jobid (\d+)")


def _snakemake(cwd, *args: str, timeout: int = 900) -> str:
    """Snakemake's output (stdout and stderr); a failing run fails the test with it."""
    proc = run(["snakemake", *args], cwd, timeout=timeout)
    return proc.stdout + proc.stderr


@pytest.mark.timeout(1500)
@pytest.mark.parametrize("option", ["images", "tuning", "models"])
def test_solution_on_slurm_gives_the_local_results(option, tmp_path, tmp_path_factory):
    local, _ = small_run(tmp_path_factory, option)
    expected = tree_bytes(local / "results")
    assert expected, f"the local run of {option} produced no result files"

    on_slurm = copy_workflow(option, tmp_path / "slurm")
    since = now_for_sacct()
    output = _snakemake(on_slurm, "--profile", "profiles/slurm", "--configfile", SMALL)

    assert_same_files(tree_bytes(on_slurm / "results"), expected)

    submitted = set(SUBMITTED.findall(output))
    assert submitted, f"{option}: Snakemake submitted nothing to Slurm:\n{output[-3000:]}"
    ours, acct = jobs_run_in(on_slurm, since)
    assert set(ours) == submitted, (acct, sorted(submitted))
    assert set(ours.values()) == {"COMPLETED"}, acct
