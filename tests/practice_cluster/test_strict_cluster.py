"""The strict practice cluster (make cluster-up STRICT=1) is as strict as sites/practice-strict.yaml
says: without the site's settings a learner's job is refused or waits, as on such a real site."""

from __future__ import annotations

import time

import pytest

from lessontest.generators import site_files
from lessontest.pages import command
from lessontest.paths import ROOT
from lessontest.shell import learner_env, run
from lessontest.slurm import Shell, Slurm, now_for_sacct, settings_of_jobs, submitted_id
from lessontest.tree import copy_code

pytestmark = [pytest.mark.slurm, pytest.mark.strict]

# What cluster/up.sh --strict set the cluster up from: the site file's settings, its partition
# (PARTITION) and the practice cluster's short one beside it (SHORT).
SITE = site_files.load(ROOT, site_files.STRICT)
PARTITION = SITE["slurm"]["partition"]
SHORT = SITE["practice_cluster"]["short_partition"]


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
    said = refused(bare, f"--partition={PARTITION}", "--account=proj-other")
    assert "Invalid account or account/partition combination specified" in said


def test_a_time_over_the_partitions_limit_is_refused(bare):
    """The short partition asked for the long one's limit."""
    said = refused(bare, f"--partition={SHORT}", f"--time={SITE['limits']['max_time']}")
    assert "Requested time limit is invalid (missing or exceeds some limit)" in said


def test_more_jobs_than_the_qos_allows_are_refused(tmp_path):
    """The QOS's submit limit counts every array task: 10 tasks more than it are refused."""
    shell = Shell(tmp_path)
    shell.env["SBATCH_PARTITION"] = PARTITION  # whatever site.env sets, as a learner types it
    tasks = SITE["limits"]["max_jobs"] + 10
    proc = shell.run(["sbatch", f"--array=0-{tasks - 1}", "--wrap=true"], check=False)
    assert proc.returncode != 0
    assert "QOSMaxSubmitJobPerUserLimit" in proc.stderr


def test_without_the_reservation_a_job_waits(bare):
    env, folder = bare
    out = run(["sbatch", f"--partition={PARTITION}", "--wrap=true"], folder, env=env).stdout
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
    assert settings_of_jobs(code, since) == [SITE["slurm"]]


def test_jobs_are_held_to_their_cores_and_never_share_one(tmp_path):
    """As on most sites (content/cores.md), a job may run on the cores it was given only; jobs
    side by side get different cores of the machine, also when the first ends before the rest."""
    shell = Shell(tmp_path)
    shell.env["SBATCH_PARTITION"] = SHORT
    shell.env["SBATCH_RESERVATION"] = SITE["slurm"]["reservation"]
    report = "grep Cpus_allowed_list /proc/self/status; date +%s.%N; sleep {}; date +%s.%N"
    jobs = [
        submitted_id(
            shell.run(
                [
                    "sbatch",
                    f"--cpus-per-task={cpus}",
                    f"--output=job-{n}.out",
                    f"--wrap={report.format(seconds)}",
                ]
            ).stdout
        )
        for n, (cpus, seconds) in enumerate([(1, 8), (1, 2), (1, 2), (2, 1)])
    ]
    Slurm(shell).wait(jobs, timeout=180)
    ran = []
    for n in range(len(jobs)):
        cpus, start, end = (tmp_path / f"job-{n}.out").read_text().split("\n")[:3]
        ran.append((set(cpus.split()[1].replace("-", ",").split(",")), float(start), float(end)))
    assert [len(cpus) for cpus, _, _ in ran] == [1, 1, 1, 2], ran
    for i, (cpus_a, start_a, end_a) in enumerate(ran):
        for cpus_b, start_b, end_b in ran[i + 1 :]:
            if start_a < end_b and start_b < end_a:  # they ran at the same time
                assert not cpus_a & cpus_b, ran
