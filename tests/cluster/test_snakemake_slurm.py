"""The Snakemake workflow through the Slurm executor plugin, with the lesson's own profile."""

from __future__ import annotations

import pathlib
import re
import shutil
import time

import pytest

pytestmark = pytest.mark.slurm

SNAKEFILE = "snakemake/scikit_example/Snakefile"
PROFILE = "snakemake/scikit_example/profiles/slurm"


@pytest.mark.timeout(1800)  # 37 Slurm jobs, each starting Snakemake twice, on two cores
def test_workflow_on_slurm(shell, code_dir, local_results, same_files, tree):
    """The command the Snakemake chapter shows, run from code/: every result file, as the serial run."""
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 1))
    out = shell.run(["snakemake", "--snakefile", SNAKEFILE, "--profile", PROFILE], timeout=1500)
    produced = tree(code_dir / "results")
    summary = {name: produced.pop(name) for name in ("summary.csv", "summary.png")}
    same_files(produced, local_results)
    assert summary["summary.csv"].count(b"\n") > len(local_results) // 2
    # Every job really went through Slurm: preprocess, one per combination, and collect, all
    # COMPLETED, run in this folder.
    acct = shell.run(["sacct", "--noheader", "--parsable2", "--allocations", f"--starttime={since}",
                      "--format=JobID,State,WorkDir"]).stdout
    ours = [line.split("|") for line in acct.splitlines() if line.endswith(f"|{code_dir}")]
    assert len(ours) == len(local_results) // 2 + 2, (acct, out.stderr[-2000:])
    assert {state for _job, state, _dir in ours} == {"COMPLETED"}, acct


def test_failing_rule_reports_slurm_state_and_log(root, tmp_path, shell):
    """A rule that fails: Snakemake names the Slurm job's state and the log file to read."""
    work = tmp_path / "failing"
    shutil.copytree(root / "tests" / "cluster" / "failing_workflow", work)
    proc = shell.run(["snakemake", "--profile", shell.cwd / PROFILE], cwd=work, check=False,
                     timeout=600)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert re.search(r"SLURM status is: 'FAILED'", output), output
    # The log paths it names exist, and the Slurm job log holds what the failing command printed.
    logs = re.findall(r"(\S*\.snakemake/slurm_logs/\S+\.log)", output)
    assert logs, output
    slurm_log = work / pathlib.Path(logs[0])  # an absolute path stays as it is
    assert slurm_log.exists(), output
    assert "exit 3" in slurm_log.read_text() or "Error in rule broken" in slurm_log.read_text()
    assert (work / "logs" / "broken.log").read_text() == "about to fail on purpose\n"
    assert not (work / "out" / "never.txt").exists()
