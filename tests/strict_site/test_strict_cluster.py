"""The strict practice cluster (make cluster-up STRICT=1) is as strict as sites/practice-strict.yaml
says: without the site's settings a learner's job is refused or waits, as on such a real site."""

from __future__ import annotations

import time

import pytest

from lessontest.pages import command
from lessontest.shell import learner_env, run
from lessontest.slurm import Shell, now_for_sacct, settings_of_jobs, submitted_id
from lessontest.tree import copy_code

pytestmark = [pytest.mark.slurm, pytest.mark.strict]


@pytest.fixture
def bare(tmp_path):
    """A learner's shell that has not read site.env."""
    return learner_env(), tmp_path


def refused(bare, *options) -> str:
    env, folder = bare
    proc = run(["sbatch", *options, "--wrap=true"], folder, env=env, check=False)
    assert proc.returncode != 0, proc.stdout
    assert not proc.stdout.strip(), "nothing was submitted"
    return proc.stderr


def test_a_job_without_a_partition_is_refused(bare):
    assert "No partition specified or system default partition" in refused(bare)


def test_an_account_that_is_not_yours_is_refused(bare):
    said = refused(bare, "--partition=compute", "--account=proj-other")
    assert "Invalid account or account/partition combination specified" in said


def test_a_time_over_the_partitions_limit_is_refused(bare):
    said = refused(bare, "--partition=debug", "--time=00:20:00")
    assert "Requested time limit is invalid (missing or exceeds some limit)" in said


def test_more_jobs_than_the_qos_allows_are_refused(tmp_path):
    """The QOS's submit limit counts every array task: 60 tasks are over its 50."""
    shell = Shell(tmp_path)
    shell.env["SBATCH_PARTITION"] = "compute"  # whatever site.env sets, as a learner types it
    proc = shell.run(["sbatch", "--array=0-59", "--wrap=true"], check=False)
    assert proc.returncode != 0
    assert "QOSMaxSubmitJobPerUserLimit" in proc.stderr


def test_without_the_reservation_a_job_waits(bare):
    env, folder = bare
    out = run(["sbatch", "--partition=compute", "--wrap=true"], folder, env=env).stdout
    job = submitted_id(out)
    try:
        # Right after submission the scheduler may not have looked at the job yet (reason None);
        # ask until it has given its reason.
        for _ in range(60):
            said = run(["squeue", "--noheader", f"--jobs={job}", "--format=%T|%r"], folder).stdout
            if said.strip() not in ("PENDING|None", "PENDING|Priority"):
                break
            time.sleep(0.5)
        assert said.strip() == "PENDING|ReqNodeNotAvail, Reserved for maintenance"
    finally:
        run(["scancel", job], folder)


def test_with_the_sites_settings_the_same_job_runs(tmp_path):
    """The learner's code/ folder of the download made for the strict site: `source site.env`
    (the setup page's block) is all it takes."""
    code = copy_code(tmp_path)
    since = now_for_sacct()
    proc = run(
        command("setup.md", "site-env") + "sbatch --wait --wrap=true\n", code, env=learner_env()
    )
    assert "Submitted batch job" in proc.stdout
    assert settings_of_jobs(code, since) == [
        {
            "account": "proj-knn",
            "partition": "compute",
            "qos": "course",
            "reservation": "knn-course",
        }
    ]
