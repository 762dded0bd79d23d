"""content/cores.md on the strict practice cluster, which holds jobs to their cores: what a job
may use (cores.py under srun), one combination trained with one core and with two
(train_task.py, whose --n-jobs goes to the cross-validation in
code/python/scikit_example/knn_model.py), the two mismatches (idle cores, more processes than
cores), two combinations as one-core or as two-core jobs, and Snakemake's threads passed on to
the command by the chapter's own code/snakemake/scikit_example/cores/Snakefile
(with --forcerun, so that it reruns a job whose output a learner already has); every block typed
into one shell as the page shows it.

The outputs the page shows are recorded (`make record`, lessontest.recording); here a fresh run
must give outputs of the same shape, and say what the page says about them. Times are not
compared (that is a benchmark's work, not a test's): only what holds however busy the machine is.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from lessontest import recording
from lessontest.slurm import kib, sacct_table
from lessontest.tree import tree_bytes

# On the strict practice cluster, which holds jobs to their cores as most sites do (make
# test-strict-site runs it there, with the lesson made for that site); the page is recorded there.
pytestmark = [pytest.mark.slurm, pytest.mark.strict]

PAGE = "cores.md"


def sacct_lines(text: str) -> dict[str, list[str]]:
    """{JobID: its other columns} of the sacct table `text` starts with."""
    return {row[0]: row[1:] for row in sacct_table(text)}


def seconds(text: str) -> float:
    """sacct's Elapsed (HH:MM:SS) or TotalCPU (MM:SS.mmm, or HH:MM:SS) in seconds."""
    parts = [float(part) for part in text.split(":")]
    return sum(part * 60**i for i, part in enumerate(reversed(parts)))


def report(text: str) -> dict[str, str]:
    """cores.py's four lines: {label: value}."""
    return dict(re.fullmatch(r"(.+?)\s{2,}(\S.*)", line).groups() for line in text.splitlines())


ran = recording.page_session(PAGE, timeout=900)


@pytest.mark.timeout(1000)
def test_every_block_succeeded_and_shows_the_recorded_shape(ran):
    recording.assert_as_recorded(PAGE, ran)


GIVEN = "Slurm gave this task (SLURM_CPUS_PER_TASK)"
AFFINITY = "CPUs it may run on (CPU affinity)"
NODE = "CPUs the node has (os.cpu_count())"
THREADS = "threads NumPy's maths library starts"


def two_reports(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """cores.py's report in a one-core job, then in a two-core job (the block cores-check)."""
    lines = text.splitlines()
    assert len(lines) == 8, text
    return report("\n".join(lines[:4])), report("\n".join(lines[4:]))


@pytest.mark.parametrize("source", ["live", "recorded"])
def test_cores_py_shows_a_job_held_to_its_cores(ran, source):
    """What the page says of a cluster that holds jobs to their cores, in this run and in the
    recording the page shows: a one-core job may run on one of the node's two CPUs (second
    line), and NumPy's maths library starts one thread (fourth line); a two-core job, two.
    OMP_NUM_THREADS set from SLURM_CPUS_PER_TASK says the same number."""
    shown = recording.load(PAGE)["shown"] if source == "recorded" else None
    check = shown["cores-check"] if shown else ran["cores-check"].stdout
    omp = shown["cores-omp"] if shown else ran["cores-omp"].stdout
    one, two = two_reports(check)
    assert (one[GIVEN], one[AFFINITY], one[NODE], one[THREADS]) == ("1", "1", "2", "1"), one
    assert (two[GIVEN], two[AFFINITY], two[NODE], two[THREADS]) == ("2", "2", "2", "2"), two
    limited = report(omp)
    assert (limited[GIVEN], limited[AFFINITY], limited[THREADS]) == ("1", "1", "1"), limited


def test_two_cores_give_the_same_results_for_more_memory(ran):
    block = ran["cores-measure"].stdout
    assert block.endswith("cores-1/ and cores-2/ hold the same files\n"), block
    code = ran["code"]
    assert tree_bytes(code / "cores-1") == tree_bytes(code / "cores-2")
    rows = sacct_lines(block)
    one, two = [job for job in rows if "." not in job]
    assert rows[one][0] == "1" and rows[two][0] == "2", rows
    assert all(row[-1] == "COMPLETED" for row in rows.values()), rows
    # What the page says of the memory: the second process is a second Python with scikit-learn
    # loaded. (Of the CPU time too, in the recorded run; but CPU time grows when other jobs
    # share the machine's cores, as other suites' do in CI, so it is not compared here.)
    assert kib(rows[f"{two}.batch"][3]) > 2 * kib(rows[f"{one}.batch"][3]), rows


def test_idle_cores_compute_on_one_core_at_most(ran):
    rows = sacct_lines(ran["cores-disagree"].stdout)
    idle, over = [job for job in rows if "." not in job]
    # One process can compute no longer than the job ran, however busy the machine was.
    allocated, elapsed, idle_cpu = rows[f"{idle}.batch"][:3]
    assert allocated == "2" and seconds(idle_cpu) < 1.2 * seconds(elapsed) + 1, rows
    # The second job's two processes were held to its one core: they took turns on it.
    allocated, elapsed, over_cpu = rows[f"{over}.batch"][:3]
    assert allocated == "1" and seconds(over_cpu) < 1.2 * seconds(elapsed) + 1, rows
    assert rows[over][-1] == "COMPLETED", rows


def test_one_core_jobs_ran_side_by_side_and_two_core_jobs_one_after_the_other(ran):
    rows = sacct_lines(ran["cores-throughput-wait"].stdout)
    assert len(rows) == 4 and {len(row) for row in rows.values()} == {5}, rows
    jobs: dict[str, list[tuple[str, dt.datetime, dt.datetime]]] = {}
    for name, cpus, start, end, _ in rows.values():
        times = dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end)
        jobs.setdefault(name, []).append((cpus, *times))
    ones, twos = sorted(jobs["pair-1"]), sorted(jobs["pair-2"], key=lambda job: job[1])
    assert {job[0] for job in ones} == {"1"} and {job[0] for job in twos} == {"2"}, rows
    # The one-core jobs, submitted first, started before either two-core job. (Side by side, as
    # in the recorded run, when no other job held a core meanwhile; the tests of other suites
    # may: not checked here.)
    assert max(job[1] for job in ones) <= twos[0][1], rows
    # One after the other, always: the account may hold two cores, and each of these holds two.
    assert twos[1][1] >= twos[0][2], twos
    code = ran["code"]
    assert tree_bytes(code / "pair-1") == tree_bytes(code / "pair-2") != {}


def test_snakemake_passes_threads_on_runs_out_of_memory_then_completes_on_two_cores(ran):
    """--set-threads reaches the rule's command as --n-jobs 2 and the job as two cores; the
    rule's 500 MB are too little for two processes (OUT_OF_MEMORY on the step), 1000 MB are
    enough. --forcerun made both runs do work whatever files the session had."""
    shell, table = ran["cores-snakemake"].stdout.split("\n", 1)
    assert shell.startswith("Shell command: python python/scikit_example/train_task.py"), shell
    assert " --n-jobs 2 " in shell and "--n-neighbors 04 --metric euclidean" in shell, shell
    failed = sacct_lines(table)
    job = next(job for job in failed if "." not in job)
    assert failed[job][0] == "2" and failed[f"{job}.0"][-1].startswith("OUT_OF_ME"), failed
    done = sacct_lines(ran["cores-snakemake-memory"].stdout)
    job = next(job for job in done if "." not in job)
    assert done[f"{job}.0"][0] == "2" and done[job][-1] == "COMPLETED", done
    assert (ran["code"] / "results/knn_k04_euclidean.png").exists()


def test_in_the_recorded_run_two_processes_on_one_core_took_longer_than_one():
    """What the page says of the recorded runs it shows (a comparison of times, so of the
    recording only: a live run's times depend on what else the machine runs)."""
    shown = recording.load(PAGE)["shown"]
    measured, disagreed = sacct_lines(shown["cores-measure"]), sacct_lines(shown["cores-disagree"])
    one = next(job for job in measured if "." not in job)  # the one-core job, --n-jobs 1
    over = [job for job in disagreed if "." not in job][1]  # one core, --n-jobs 2
    assert measured[one][0] == disagreed[over][0] == "1"
    assert seconds(disagreed[over][1]) > seconds(measured[one][1]), (measured, disagreed)
