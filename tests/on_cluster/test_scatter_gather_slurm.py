"""yadage inside one Slurm job (content/scatter-gather-slurm.md's block scatter-gather-slurm-submit,
which submits code/slurm/scatter_gather/yadage.sh), on the running cluster.

The job's yadage must run as many worker processes as Slurm gave the job cores, and make the same
files, byte for byte, as the page's local run. To keep it cheap, the learner's copy asks for the
two quickest classifiers only (its inputs.yml is cut down), so each run has four steps.
"""

from __future__ import annotations

import re

import pytest
import yaml

from lessontest.pages import command
from lessontest.paths import CONTENT
from lessontest.shell import assert_one_error_line, run
from lessontest.slurm import Shell, Slurm, submitted_id
from lessontest.tree import copy_code
from lessontest.yadage import ran_tasks

PAGE = "scatter-gather-slurm.md"
LOCAL_PAGE = "scatter-gather.md"  # the run on the learner's own machine
CLASSIFIERS = ["nearest_neighbours", "decision_tree"]
SCRIPT = "slurm/scatter_gather/yadage.sh"


@pytest.fixture
def code_dir(tmp_path):
    code = copy_code(tmp_path)
    inputs = code / "yadage" / "scatter_gather" / "inputs.yml"
    settings = yaml.safe_load(inputs.read_text())
    settings["classifiers"] = CLASSIFIERS
    inputs.write_text(yaml.safe_dump(settings))
    return code


def _allocated_cpus(shell: Shell, job: str) -> int:
    out = shell.run(
        [
            "sacct",
            "--noheader",
            "--parsable2",
            "--allocations",
            f"--jobs={job}",
            "--format=AllocCPUS",
        ]
    )
    return int(out.stdout.split()[0])


@pytest.mark.slurm
@pytest.mark.timeout(900)
def test_yadage_in_one_job_uses_the_jobs_cores_and_matches_the_local_run(code_dir):
    shell = Shell(code_dir)
    job = submitted_id(shell.run(command(PAGE, "scatter-gather-slurm-submit")).stdout)
    # The run on this machine, as the page's earlier block makes it, while the job is queued.
    shell.run(command(LOCAL_PAGE, "scatter-yadage-run"))
    states = Slurm(shell).wait([job], timeout=600)
    log = (code_dir / f"slurm-yadage-scatter-{job}.out").read_text()
    assert states == {job: "COMPLETED"}, log[-3000:]

    cores = _allocated_cpus(shell, job)
    assert f"#SBATCH --cpus-per-task={cores}\n" in (code_dir / SCRIPT).read_text()
    echoed = f"yadage runs up to {cores} steps at once (SLURM_CPUS_PER_TASK={cores})"
    assert log.splitlines()[0] == echoed
    assert re.findall(r"configured pool size to (\d+)", log) == [str(cores)], log[-3000:]
    page = (CONTENT / PAGE).read_text(encoding="utf-8")
    assert f"`{echoed}`" in page and f"`configured pool size to {cores}`" in page

    assert ran_tasks(log) == {"prepare", "train_0", "train_1", "merge"}
    for name in ("scores.csv", "classifiers.png"):
        on_slurm = code_dir / "results" / "yadage-slurm" / "merge" / name
        local = code_dir / "results" / "yadage" / "merge" / name
        assert on_slurm.read_bytes() == local.read_bytes(), name
    assert len((code_dir / "results/yadage/merge/scores.csv").read_text().splitlines()) == 3


@pytest.mark.parametrize(
    "args, words",
    [([], ["usage", "WORKDIR"]), (["results"], ["results", "already exists"])],
)
def test_bad_arguments_are_one_line_and_start_nothing(code_dir, args, words):
    (code_dir / "results").mkdir()
    proc = run(["bash", SCRIPT, *args], code_dir, check=False)
    assert_one_error_line(proc, *words)
    assert sorted(p.name for p in code_dir.iterdir() if p.name.startswith("slurm-")) == []
    assert list((code_dir / "results").iterdir()) == [], "nothing was written"
