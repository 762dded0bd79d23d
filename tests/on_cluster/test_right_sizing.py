"""content/right-sizing.md on the practice cluster: measure one task, make it run out of memory and
out of time, then run it resized, every block typed into one shell as the page shows it.

The outputs the page shows are recorded (`make record`, lessontest.recording); here a fresh run
must give outputs of the same shape, and say what the page says about them.
"""

from __future__ import annotations

import re

import pytest

from lessontest import recording
from lessontest.shell import run
from lessontest.slurm import kib, sacct_table

pytestmark = pytest.mark.slurm

PAGE = "right-sizing.md"


ran = recording.page_session(PAGE, timeout=600)


@pytest.mark.timeout(700)
def test_every_block_succeeded_and_shows_the_recorded_shape(ran):
    recording.assert_as_recorded(PAGE, ran)


def test_the_measurement_names_the_batch_step_and_its_peak_memory(ran):
    rows = sacct_table(ran["sizing-measure"].stdout)
    job, batch, extern = rows[0][0], rows[1], rows[2]
    assert batch[0] == f"{job}.batch" and extern[0] == f"{job}.extern", rows
    assert all(row[2] == "COMPLETED" for row in rows), rows
    peak = batch[-1]
    assert 50_000 < kib(peak) < 1_000_000, batch


def test_the_measurement_sampled_memory_every_second(ran):
    """Most clusters sample memory every 30 s, too seldom for a job of seconds: the measuring job
    asked for a sample every second (Slurm's record of how it was submitted says so), and the
    peak memory the page shows is not empty or zero."""
    job = sacct_table(ran["sizing-measure"].stdout)[0][0]
    submitted = run(["sacct", "-X", "-n", "-P", "-j", job, "-o", "SubmitLine"], ran["code"])
    assert "--acctg-freq=task=1" in submitted.stdout.split(), submitted.stdout
    recorded = sacct_table(recording.load(PAGE)["shown"]["sizing-measure"])
    assert recorded[1][0].endswith(".batch") and kib(recorded[1][-1]) > 0, recorded


def test_too_little_memory_is_out_of_memory_with_the_kernels_message(ran):
    block = ran["sizing-out-of-memory"]
    rows = sacct_table(block.stdout)
    assert rows[0][1] == "OUT_OF_MEMORY" and rows[0][3] == "100M", rows
    assert re.search(r"oom-kill event\(s\) in StepId=\d+\.batch", block.stdout), block.stdout


def test_too_little_time_is_timeout_and_writes_no_result(ran):
    block = ran["sizing-out-of-time"]
    rows = sacct_table(block.stdout)
    assert rows[0][1] == "TIMEOUT" and rows[0][4] == "00:01:00", rows
    assert rows[0][3] >= rows[0][4], "Elapsed is at least the Timelimit (both HH:MM:SS)"
    assert "DUE TO TIME LIMIT" in block.stdout.splitlines()[-1], block.stdout
    # The training never finished: no accuracy line in its output (the measured job has one).
    timed_out = (ran["code"] / f"slurm-knn-one-{rows[0][0]}.out").read_text()
    assert "test accuracy" not in timed_out, timed_out
    measured = sacct_table(ran["sizing-measure"].stdout)[0][0]
    assert "test accuracy" in (ran["code"] / f"slurm-knn-one-{measured}.out").read_text()


def test_resized_job_completes_within_what_it_asked_for(ran):
    rows = sacct_table(ran["sizing-resized"].stdout)
    assert rows[0][1] == "COMPLETED" and rows[0][3] == "250M", rows
    peak_kb = kib(rows[1][-1])
    assert peak_kb < 250 * 1024, rows
    # What the page says of the choice: the measured peak, plus half again, fits into 250M.
    measured = sacct_table(ran["sizing-measure"].stdout)[1][-1]
    assert kib(measured) * 1.5 < 250 * 1024, measured
