"""content/failure-drills.md on the practice cluster: an array with a notice and a collect job, two
tasks broken on purpose, the failed ones found and rerun, then Snakemake retrying a job that ran
out of memory with more; every block typed into one shell as the page shows it.

The array is submitted held and released after the break, so that the break works however free
the cluster is: on one with free cores, tasks of an array that is not held start at once, and
`scontrol update` of task 7 finds it finished (issue 23, item 15).

The outputs the page shows are recorded (`make record`, lessontest.recording); here a fresh run
must give outputs of the same shape, and do what the page says it does.
"""

from __future__ import annotations

import re
import time

import pytest

from lessontest import recording
from lessontest.pages import command
from lessontest.shared import serial_reference
from lessontest.shell import run
from lessontest.slurm import Shell, Slurm
from lessontest.tree import assert_same_files, copy_code, tree_bytes

pytestmark = pytest.mark.slurm

PAGE = "failure-drills.md"
GRID = 35  # the array's tasks: 0-34, one per line of params.txt


def step_states(steps: list[str]) -> dict[str, str]:
    """{job step (123.0): state}; lessontest.slurm's accounting() knows only whole jobs."""
    out = run(["sacct", "-n", "-P", "-j", ",".join(steps), "--format=JobID,State"], None).stdout
    return dict(line.split("|") for line in out.splitlines())


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict:
    code = recording.learner_copy(PAGE, tmp_path_factory)  # after the core path
    out = recording.run_session(PAGE, code, timeout=1500)
    ids = re.fullmatch(r"array (\d+), collect (\d+), notice (\d+)\n", out["drills-submit"].stdout)
    assert ids, out["drills-submit"]
    names = ("array", "collect", "notice")
    return {"code": code, "blocks": out, "ids": dict(zip(names, ids.groups(), strict=True))}


@pytest.mark.timeout(1600)
def test_every_block_succeeded_and_shows_the_recorded_shape(ran):
    recording.assert_as_recorded(PAGE, ran["blocks"])


def test_one_task_ran_out_of_memory_and_the_cancelled_one_left_no_line(ran):
    array = ran["ids"]["array"]
    # The break reached both tasks before they started: no "Job has already finished".
    assert ran["blocks"]["drills-break"].stderr == "", ran["blocks"]["drills-break"]
    states = Slurm(Shell(ran["code"])).accounting([array])
    expected = {f"{array}_{i}": "COMPLETED" for i in range(GRID) if i not in (7, 23)}
    assert states == {**expected, f"{array}_7": "OUT_OF_MEMORY"}, states
    # What the page shows of it: only task 7, the one sacct does not call COMPLETED, with the
    # memory the break gave it.
    lines = ran["blocks"]["drills-wait"].stdout.splitlines()[2:]
    assert [line.split()[:2] for line in lines] == [[f"{array}_7", "OUT_OF_MEMORY"]], lines
    assert lines[0].split()[-1] == "100M", lines


def test_collect_never_ran_and_the_notice_named_the_failed_tasks(ran):
    ids, code = ran["ids"], ran["code"]
    states = Slurm(Shell(code)).accounting([ids["collect"], ids["notice"]])
    assert states == {ids["collect"]: "CANCELLED", ids["notice"]: "COMPLETED"}, states
    assert not list(code.glob(f"slurm-knn-collect-{ids['collect']}.out"))
    notice = (code / f"slurm-knn-notice-{ids['notice']}.out").read_text()
    assert f"array job {ids['array']}: tasks 7,23 did not complete" in notice, notice
    assert "sbatch --array=7,23 slurm/scikit_example/array.sh" in notice, notice


def test_the_rerun_ran_only_the_failed_tasks_and_the_results_match_an_unbroken_run(
    ran, tmp_path_factory, tmp_path
):
    code, blocks = ran["code"], ran["blocks"]
    # The rerun's own check printed nothing: every rerun task completed.
    assert blocks["drills-rerun"].stdout.splitlines()[-1].startswith("Submitted batch job")
    reruns = [
        path.name
        for path in code.glob("slurm-knn-array-*_*.out")
        if not path.name.startswith(f"slurm-knn-array-{ran['ids']['array']}_")
    ]
    rerun = {re.search(r"_(\d+)\.out$", name)[1] for name in reruns}
    assert rerun == {"7", "23"}, reruns

    reference = serial_reference(tmp_path_factory) / "results"
    produced = tree_bytes(code / "results")
    summary = produced.pop("summary.csv")
    produced.pop("summary.png")
    assert_same_files(produced, tree_bytes(reference))
    # The summary of a run in which nothing failed: collect_results.py over the serial results.
    table = tmp_path / "summary.csv"
    collect = ["python", "python/scikit_example/collect_results.py", "--results-dir", reference]
    run([*collect, "--table", table, "--figure", tmp_path / "summary.png"], code)
    assert summary == table.read_bytes()


def test_snakemake_retried_the_job_that_ran_out_of_memory_with_twice_the_memory(
    ran, tmp_path_factory
):
    code = ran["code"]
    report = sorted((code / "efficiency").glob("efficiency_report_*.csv"))
    assert len(report) == 1, report
    rows = [line.split(",") for line in report[0].read_text().splitlines()[1:]]
    steps = [row[1] for row in rows]
    assert len(steps) == 2 and all(step.endswith(".0") for step in steps), rows
    assert [row[12] for row in rows] == ["200.0", "400.0"], rows
    states = step_states(steps)
    assert states == {steps[0]: "OUT_OF_MEMORY", steps[1]: "COMPLETED"}, states
    # Snakemake's own words: one attempt at 200 MB, a restart, one at 400 MB.
    assert ran["blocks"]["drills-snakemake-retries"].stdout.split("\n") == [
        "mem=200 MB",
        "Trying to restart job",
        "mem=400 MB",
        "",
    ]
    # The retried job's result is the one every other way of running the example makes.
    made = tree_bytes(code / "results")
    for name in ("knn_k08_manhattan.json", "knn_k08_manhattan.png"):
        assert made[name] == (serial_reference(tmp_path_factory) / "results" / name).read_bytes()


def test_snakemake_stopped_with_ctrl_c_cancels_its_job_and_a_rerun_makes_the_file(
    ran, tmp_path_factory
):
    stop = ran["blocks"]["drills-snakemake-stop"].stdout.splitlines()
    assert stop[0] == "Terminating processes on user request", stop
    assert stop[-1].split()[1] == "CANCELLED", stop  # JobID, then "CANCELLED by UID"
    again = ran["blocks"]["drills-snakemake-again"].stdout
    assert again == "1 of 1 steps (100%) done\n", again
    made = ran["code"] / "results"
    reference = serial_reference(tmp_path_factory) / "results"
    for name in ("knn_k16_cosine.json", "knn_k16_cosine.png"):
        assert (made / name).read_bytes() == (reference / name).read_bytes()


def test_no_task_starts_before_the_break_however_long_it_waits(tmp_path):
    """The page's array is held from its submission: however many cores are free and however long
    a learner takes before the break, every task waits (reason JobHeldUser), so the break always
    finds tasks 7 and 23 pending. Nothing runs here: the jobs are cancelled while held."""
    code = copy_code(tmp_path)
    shell = Shell(code)
    out = shell.run(command(PAGE, "drills-submit")).stdout
    ids = re.fullmatch(r"array (\d+), collect (\d+), notice (\d+)\n", out)
    assert ids, out
    array, collect, notice = ids.groups()
    try:
        time.sleep(10)  # long enough for tasks that are not held to start on a free cluster
        queued = Slurm(shell).queued([array])
        reasons = {reason for _, _, reason in queued}
        assert len(queued) == GRID and reasons == {"JobHeldUser"}, queued
    finally:
        # The jobs that wait for the array first, so that the notice job never becomes eligible.
        shell.run(["scancel", notice, collect])
        shell.run(["scancel", array])
