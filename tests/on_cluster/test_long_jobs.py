"""content/long-jobs.md on the practice cluster: long_job.sh warned by the signal Slurm sends
before the time limit (sent by hand, as the page does), stops, submits its next part, and the
parts together make the same files as an uninterrupted run; every block typed into one shell as
the page shows it. Also the Slurm fact the script relies on: with --signal=B:USR1@N, the batch
shell gets USR1 before the time limit, while the work runs in the background.
"""

from __future__ import annotations

import re

import pytest

from lessontest import recording
from lessontest.shell import run
from lessontest.slurm import Shell, Slurm
from lessontest.tree import tree_bytes

pytestmark = pytest.mark.slurm

PAGE = "long-jobs.md"
GRID = 35
# A batch script that only waits, as long_job.sh does, and says when the warning came.
WARNED = """#!/bin/bash
trap 'echo "warned after $SECONDS s"; exit 0' USR1
echo started
sleep 150 &
wait
echo "not warned"
"""


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict:
    code = recording.learner_copy(PAGE, tmp_path_factory)  # after the core path
    # Submitted first, so that it waits for its warning while the page's blocks run.
    (code / "warned.sh").write_text(WARNED)
    warned = run(
        [
            "sbatch",
            "--parsable",
            "--time=1",
            "--signal=B:USR1@30",
            "--output=warned.out",
            "warned.sh",
        ],
        code,
    ).stdout.strip()
    blocks = recording.run_session(PAGE, code, timeout=900)
    parts = sorted(code.glob("slurm-knn-long-*.out"), key=lambda p: int(p.stem.rsplit("-")[-1]))
    return {"code": code, "blocks": blocks, "parts": parts, "warned": warned}


@pytest.mark.timeout(1000)
def test_every_block_succeeded_and_shows_the_recorded_shape(ran):
    recording.assert_as_recorded(PAGE, ran["blocks"])


def test_the_first_part_stopped_at_the_signal_and_the_second_did_the_rest(ran):
    # Three runs of long_job.sh: the interrupted one, its next part, and the uninterrupted one.
    first, second, straight = (path.read_text().splitlines() for path in ran["parts"])
    trained = [line for line in first if line.startswith("k = ")]
    next_job = ran["parts"][1].stem.rsplit("-")[-1]
    assert first[0] == "resuming: 0 of 35 combinations already done", first
    assert first[-1] == f"stopped before the time limit: the next part is job {next_job}", first
    assert 5 <= len(trained) < GRID, first
    assert second[0] == f"resuming: {len(trained)} of 35 combinations already done", second
    assert len([line for line in second if line.startswith("k = ")]) == GRID - len(trained)
    assert second[-1] == "all 35 combinations done", second
    assert straight[0] == "resuming: 0 of 35 combinations already done", straight
    assert straight[-1] == "all 35 combinations done", straight


def test_the_next_part_started_after_the_first_had_ended(ran):
    ids = [path.stem.rsplit("-")[-1] for path in ran["parts"][:2]]
    out = run(
        ["sacct", "-n", "-P", "-X", "-j", ",".join(ids), "--format=JobID,State,Start,End"],
        ran["code"],
    ).stdout
    rows = {row[0]: row[1:] for row in (line.split("|") for line in out.splitlines())}
    assert [rows[job][0] for job in ids] == ["COMPLETED", "COMPLETED"], rows
    assert rows[ids[1]][1] >= rows[ids[0]][2], rows  # ISO dates compare as strings


def test_the_parts_made_the_same_files_as_one_run(ran):
    code = ran["code"]
    long, straight = tree_bytes(code / "long"), tree_bytes(code / "straight")
    assert len(long) == 2 * GRID and long == straight
    assert ran["blocks"]["long-compare"].stdout.endswith(
        "long/ and straight/ hold the same files\n"
    )


@pytest.mark.timeout(200)
def test_slurm_warns_the_batch_shell_before_the_time_limit(ran):
    """What long_job.sh relies on: the batch shell's trap runs before the limit (at most a
    minute earlier than asked for), so the job ends as its trap says, not by TIMEOUT."""
    code = ran["code"]
    states = Slurm(Shell(code)).wait([ran["warned"]], timeout=180)
    assert states == {ran["warned"]: "COMPLETED"}, states
    out = (code / "warned.out").read_text()
    # (Slurm may add a line of its own, about a signal to the job's processes after they ended.)
    assert out.startswith("started\n") and "not warned" not in out, out
    seconds = re.search(r"^warned after (\d+) s$", out, re.MULTILINE)
    assert seconds and int(seconds[1]) <= 60 - 30, out
