"""The Snakemake workflow through the Slurm executor plugin, with the lesson's own profile."""

from __future__ import annotations

import pathlib
import re
import shutil

import pytest

from lessontest.generators import site_files
from lessontest.pages import command
from lessontest.paths import ROOT
from lessontest.shell import run
from lessontest.slurm import jobs_run_in, now_for_sacct
from lessontest.tree import assert_same_files, tree_bytes

pytestmark = pytest.mark.slurm

PROFILE = "snakemake/scikit_example/profiles/slurm"


@pytest.mark.site  # also on the strict practice cluster (make test-strict-site)
@pytest.mark.timeout(900)
def test_workflow_on_slurm(shell, code_dir, small_grid):
    """The command the Snakemake chapter shows, run from code/, over the small grid (every job
    starts Snakemake twice: see the small_grid fixture).

    Every result file is as in the serial run.
    """
    since = now_for_sacct()
    out = shell.run(command("snakemake-slurm.md", "snakemake-slurm"), timeout=800)
    produced = tree_bytes(code_dir / "results")
    summary = {name: produced.pop(name) for name in ("summary.csv", "summary.png")}
    assert_same_files(produced, small_grid)
    assert summary["summary.csv"].count(b"\n") > len(small_grid) // 2
    # Every job really went through Slurm: preprocess, one per combination, and collect, all
    # COMPLETED, run in this folder.
    ours, acct = jobs_run_in(code_dir, since)
    assert len(ours) == len(small_grid) // 2 + 2, (acct, out.stderr[-2000:])
    assert set(ours.values()) == {"COMPLETED"}, acct


# One rule that writes what its job's environment holds of what job-env.sh sets.
ENV_SNAKEFILE = """\
rule job_env:
    output:
        "job-env.txt",
    resources:
        mem_mb=500,
    shell:
        'echo "VIRTUAL_ENV=${{VIRTUAL_ENV:-}} LESSON_SCRATCH=${{LESSON_SCRATCH:-}}" > {output}'
"""


@pytest.mark.timeout(600)
def test_the_profiles_jobs_read_the_job_env(shell, code_dir, site_venv):
    """The profile's precommand: every job reads job-env.sh before Snakemake starts in it. Run
    from a shell where no venv is active and site.env's LESSON_SCRATCH is unset (the plugin
    hands the job that shell's environment), the job has both, from job-env.sh."""
    (code_dir / "job-env.smk").write_text(ENV_SNAKEFILE)
    env = {k: v for k, v in shell.env.items() if k not in ("VIRTUAL_ENV", "LESSON_SCRATCH")}
    argv = ["snakemake", "--snakefile", "job-env.smk", "--profile", PROFILE]
    proc = run(argv, code_dir, env=env, timeout=500)
    assert "SLURM jobid" in proc.stdout + proc.stderr
    got = dict(item.split("=", 1) for item in (code_dir / "job-env.txt").read_text().split())
    scratch = site_files.load(ROOT, site_files.selected())["scratch"]
    assert got["LESSON_SCRATCH"] == scratch, got
    assert got["VIRTUAL_ENV"], got


def test_failing_rule_reports_slurm_state_and_log(tmp_path, shell):
    """A rule that fails: Snakemake names the Slurm job's state and the log file to read."""
    work = tmp_path / "failing"
    shutil.copytree(ROOT / "tests" / "on_cluster" / "failing_workflow", work)
    shutil.copy(shell.cwd / "job-env.sh", work)  # the profile's jobs read it where they start
    proc = shell.run(
        ["snakemake", "--profile", shell.cwd / PROFILE], cwd=work, check=False, timeout=600
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    # Which Slurm job failed, and in which state ...
    failed = re.search(r"SLURM-job '(\d+)' failed, SLURM status is: 'FAILED'", output)
    assert failed, output
    job = failed.group(1)
    # ... and where its log is: the path is printed, exists, and shows the failing command.
    logs = re.findall(rf"(/\S+/\.snakemake/slurm_logs/rule_broken/{job}\.log)", output)
    assert logs, output
    slurm_log = pathlib.Path(logs[0]).read_text()
    assert "returned non-zero exit status 3" in slurm_log, slurm_log
    assert (work / "logs" / "broken.log").read_text() == "about to fail on purpose\n"
    assert not (work / "out" / "never.txt").exists()
