"""The lesson's Slurm batch scripts on a real cluster: one serial job, one array task submitted
with --export=NONE, and the afterok pipeline."""

from __future__ import annotations

import re
import shutil
import time

import pytest

from lessontest.pages import command
from lessontest.slurm import submitted_id
from lessontest.tree import assert_same_files, tree_bytes

pytestmark = pytest.mark.slurm

GRID_SIZE = 35  # 7 neighbour counts x 5 metrics; checked against params.txt below


@pytest.mark.site  # also on the strict practice cluster (make test-strict-site)
@pytest.mark.timeout(1800)  # many real jobs on a small, possibly busy node
def test_serial_batch_script(shell, slurm, code_dir, local_results):
    """batch-job.md's `sbatch slurm/scikit_example/serial.sh` from code/: one job makes every
    result file."""
    out = shell.run(command("batch-job.md", "batch-submit"))
    job = submitted_id(out.stdout)
    states = slurm.wait([job], timeout=600)
    log = code_dir / f"slurm-knn-serial-{job}.out"
    assert states == {job: "COMPLETED"}, log.read_text() if log.exists() else states
    assert log.exists(), "the job's output file is named by #SBATCH --output"
    assert_same_files(tree_bytes(code_dir / "results"), local_results)


@pytest.mark.site  # also on the strict practice cluster (make test-strict-site)
@pytest.mark.timeout(600)
def test_an_array_task_without_the_submitting_shells_environment(shell, slurm, code_dir, site_venv):
    """array-jobs.md's array script, one task submitted with `sbatch --export=NONE` (the default
    at some sites): the job gets none of the shell's variables, finds Python through job-env.sh
    (the site file's venv) and writes the files the same task wrote when run by hand."""
    shell.run(command("array-jobs.md", "array-make-params"))
    shell.run(command("array-jobs.md", "array-try-one-task"))
    by_hand = tree_bytes(code_dir / "results")
    assert len(by_hand) == 2, sorted(by_hand)
    shutil.rmtree(code_dir / "results")
    out = shell.run(["sbatch", "--export=NONE", "--array=3", "slurm/scikit_example/array.sh"])
    job = submitted_id(out.stdout)
    states = slurm.wait([job], timeout=300)
    log = code_dir / f"slurm-knn-array-{job}_3.out"
    # sacct names a one-task array job by its task (123_3), or, until its record is complete,
    # by the job (123): either way one record, COMPLETED, and task 3's output file.
    assert len(states) == 1 and set(states) <= {job, f"{job}_3"}, states
    assert list(states.values()) == ["COMPLETED"], log.read_text() if log.exists() else states
    assert log.exists()
    assert_same_files(tree_bytes(code_dir / "results"), by_hand)


def pipeline_ids(stdout: str) -> dict[str, str]:
    ids = dict(re.findall(r"^(preprocess|array|collect) job:\s+(\d+)", stdout, re.MULTILINE))
    assert set(ids) == {"preprocess", "array", "collect"}, f"unexpected output: {stdout!r}"
    return ids


@pytest.mark.site  # also on the strict practice cluster (make test-strict-site)
@pytest.mark.timeout(1800)  # many real jobs on a small, possibly busy node
def test_pipeline_with_dependencies(shell, slurm, code_dir, local_results):
    """preprocess -> array -> collect, chained with afterok, submitted with dependencies.md's
    command."""
    out = shell.run(command("dependencies.md", "dependencies-pipeline"))
    ids = pipeline_ids(out.stdout)
    lines = (code_dir / "params.txt").read_text().splitlines()
    assert len(lines) == GRID_SIZE
    # The tasks read their own copy, named after the preprocess job (see dependencies.md).
    own = (code_dir / f"params-{ids['preprocess']}.txt").read_text().splitlines()
    assert own == lines

    # Right after submission the later steps wait for the earlier ones.
    queued = {job: reason for job, _state, reason in slurm.queued([ids["collect"]])}
    if ids["collect"] in queued:
        assert queued[ids["collect"]] == "Dependency"

    # preprocess, collect, and one record per array task
    states = slurm.wait(ids.values(), timeout=900, records=2 + len(lines))
    tasks = {job: state for job, state in states.items() if job.startswith(f"{ids['array']}_")}
    assert len(tasks) == len(lines), f"one array task per parameter line, got {sorted(tasks)}"
    assert sorted(tasks) == sorted(f"{ids['array']}_{i}" for i in range(len(lines)))
    assert all(state == "COMPLETED" for state in states.values()), states

    produced = tree_bytes(code_dir / "results")
    summary = {name: produced.pop(name) for name in ("summary.csv", "summary.png")}
    assert_same_files(produced, local_results)
    assert summary["summary.csv"].count(b"\n") >= GRID_SIZE  # a header and one row per combination
    for i in range(len(lines)):
        assert (code_dir / f"slurm-knn-array-{ids['array']}_{i}.out").exists()


def test_failed_preprocessing_blocks_the_array(shell, slurm, code_dir):
    """If preprocessing fails, the array never starts: squeue shows why, and scancel clears it."""
    # A learner's mistake: a file called 'data' where preprocess.py must create a folder.
    (code_dir / "data").write_text("not a folder\n")
    ids = pipeline_ids(shell.run(command("dependencies.md", "dependencies-pipeline")).stdout)

    assert slurm.wait([ids["preprocess"]], timeout=300) == {ids["preprocess"]: "FAILED"}
    log = (code_dir / f"slurm-knn-preprocess-{ids['preprocess']}.out").read_text()
    assert "error" in log.lower(), log

    # What the learner sees: the array waits for a dependency that can never be satisfied, and
    # the collection job keeps waiting for the array. Slurm needs a moment to re-evaluate.
    expected = {ids["array"]: "DependencyNeverSatisfied", ids["collect"]: "Dependency"}
    deadline = time.monotonic() + 60
    while True:
        seen = shell.run(
            [
                "squeue",
                "--noheader",
                "--jobs",
                f"{ids['array']},{ids['collect']}",
                "--format=%i %T %r",
            ]
        ).stdout
        reasons = {
            r[0].split("_")[0]: r[2] for r in map(str.split, seen.splitlines()) if r[1] == "PENDING"
        }
        if reasons == expected:
            break
        assert time.monotonic() < deadline, f"expected {expected}, squeue shows:\n{seen}"
        time.sleep(1)

    # ... and cancels them.
    shell.run(["scancel", ids["array"], ids["collect"]])
    states = slurm.wait([ids["array"], ids["collect"]], timeout=120)
    assert set(states.values()) == {"CANCELLED"}, states
    assert not (code_dir / "results").exists(), "no training task may have run"
