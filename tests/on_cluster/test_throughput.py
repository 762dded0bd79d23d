"""content/throughput.md on the practice cluster: the limits, ten tasks losing rows of one shared
table while their own result files are all there, the array in chunks, a job staged to node-local
scratch, and what sbatch copies at submission; every block typed into one shell as the page shows
it.

The outputs the page shows are recorded (`make record`, lessontest.recording); here a fresh run
must give outputs of the same shape, and do what the page says it does.
"""

from __future__ import annotations

import csv
import datetime as dt
import pathlib
import re
from itertools import combinations

import pytest

from lessontest import recording
from lessontest.shared import serial_reference
from lessontest.shell import run

pytestmark = pytest.mark.slurm

PAGE = "throughput.md"


ran = recording.page_session(PAGE, timeout=900)


@pytest.mark.timeout(1000)
def test_every_block_succeeded_and_shows_the_recorded_shape(ran):
    recording.assert_as_recorded(PAGE, ran)


def test_the_limits_are_the_practice_clusters(ran):
    text = ran["throughput-limits"].stdout
    assert re.search(r"^MaxArraySize\s+= 1001$", text, re.M), text
    assert re.search(r"^MaxJobCount\s+= \d+$", text, re.M), text
    qos = text.splitlines()[-1].split()
    assert qos[:2] == ["normal", "cpu=2"], text


def test_tasks_sharing_one_table_lost_rows_but_not_their_own_files(ran):
    lines = ran["throughput-race"].stdout.splitlines()
    said = [
        re.fullmatch(r"task (\d+): wrote race/table.csv, row count (\d+)", line)
        for line in lines[:-1]
    ]
    assert all(said) and [int(m.group(1)) for m in said] == list(range(10)), lines
    rows = int(re.fullmatch(r"rows in the table: (\d+)", lines[-1]).group(1))
    table = list(csv.DictReader((ran["code"] / "race/table.csv").open()))
    assert len(table) == rows
    assert len({(row["n_neighbors"], row["metric"]) for row in table}) == rows
    # The loss the page explains: a task holds the table from its start (it reads the table
    # first) to its end (it writes it back last), so of two tasks that ran side by side one row
    # is lost. Whether tasks ran side by side depends on what else held the cluster's two cores
    # meanwhile (other suites' jobs, in CI), so sacct's start and end times say which case this
    # run is: an overlap of 2 s or more (sacct counts whole seconds) must lose a row, and tasks
    # that never overlapped must lose none.
    spans = task_spans(ran["code"], "slurm-table-*_0.out")
    overlaps = [
        (min(a[1], b[1]) - max(a[0], b[0])).total_seconds() for a, b in combinations(spans, 2)
    ]
    if max(overlaps) >= 2:
        assert rows < 10, (lines, spans)
    if max(overlaps) <= 0:
        assert rows == 10, "one task at a time: nothing to lose"
    fixed = ran["throughput-race-fixed"].stdout.split()
    assert fixed[0] == "10" and fixed[-1] == "10", fixed


def task_spans(code: pathlib.Path, first_output: str) -> list[tuple[dt.datetime, dt.datetime]]:
    """(start, end) of every task of an array, from sacct; the array's job ID comes from the name
    of its task 0's output file."""
    [name] = [p.name for p in code.glob(first_output)]
    job = re.search(r"-(\d+)_0\.out$", name).group(1)
    fields = ["sacct", "-n", "-P", "-X", "-j", job, "--format=Start,End"]
    return [
        tuple(dt.datetime.fromisoformat(stamp) for stamp in line.split("|"))
        for line in run(fields, code).stdout.splitlines()
    ]


def test_seven_chunks_make_the_serial_runs_results(ran, tmp_path_factory):
    block = ran["throughput-chunks"].stdout
    tasks = re.findall(r"^(\d+)_(\d+)\s+\S+\s+(\S+)", block, re.M)
    assert [(int(task), state) for _, task, state in tasks] == [(i, "COMPLETED") for i in range(7)]
    reference = serial_reference(tmp_path_factory) / "results"
    results = ran["code"] / "results"
    names = sorted(p.name for p in reference.glob("knn_*"))
    assert len(names) == 70
    for name in names:
        assert (results / name).read_bytes() == (reference / name).read_bytes(), name
    assert len(list(csv.DictReader((results / "summary.csv").open()))) == 35


def test_the_staged_job_worked_in_scratch_and_cleaned_it_up(ran):
    lines = ran["throughput-staged"].stdout.splitlines()
    found = re.fullmatch(r"working in (/\S+/knn-(\d+)) on (c\d+)", lines[0])
    assert found and lines[1].startswith("k = 8, metric = manhattan: test accuracy "), lines
    scratch = found.group(1)
    assert not pathlib.Path(scratch).exists(), f"{scratch} was left behind"


def test_sbatch_kept_the_script_as_submitted_and_read_the_data_when_it_ran(ran):
    copy = ran["throughput-copy"].stdout.splitlines()
    assert copy[1].split()[1:] == ["PENDING", "JobHeldUser"], copy
    assert copy[2] == 'python python/scikit_example/train_one.py "$@"', copy
    output = ran["throughput-copy-run"].stdout
    assert "a line added after sbatch" not in output
    assert "data/iris_split.json" in output and "not found" in output, output
    assert (ran["code"] / "data/iris_split.json").exists(), "the page's last line moves it back"
