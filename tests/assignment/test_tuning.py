"""Option b, hyperparameter tuning: the starting script, the reference workflow, and its faults."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import time

import pytest

from lessontest.assignment import CORES, EXERCISES, SMALL, copy_workflow
from lessontest.shell import assert_one_error_line, learner_env, python, run
from lessontest.snakemake import finished_jobs

# The small config's grid: 2 values of C times 2 of gamma, 3 folds.
SMALL_PAIRS = ["C1_gamma0.0001", "C1_gamma0.001", "C10_gamma0.0001", "C10_gamma0.001"]
FINAL = ["results/tuning.csv", "results/tuning.png", "results/best.json"]


@pytest.fixture(scope="module")
def clean_run(further_runs):
    """snakemake-further.md's run of this workflow on the small config (a fresh copy; the page's
    later blocks only read it). Shared by the checks below; test_further.py checks the page's
    blocks themselves."""
    workdir, runs = further_runs
    return workdir, runs["snakemake-further-run"]


def test_starting_script_rejects_bad_input(tmp_path):
    proc = python(
        EXERCISES / "tuning" / "tune_svm.py", "--c-values", "-1", cwd=tmp_path, check=False
    )
    assert_one_error_line(proc, "C and gamma must be positive, not -1")
    assert not (tmp_path / "results" / "tuning.csv").exists()


def test_clean_run_results(clean_run):
    workdir, proc = clean_run
    assert finished_jobs(proc.stdout + proc.stderr) == {
        "split_data": 1,
        "cross_validate": 4,
        "summarise": 1,
        "refit_best": 1,
        "all": 1,
    }
    rows = list(csv.DictReader((workdir / "results" / "tuning.csv").open()))
    assert [f"C{r['C']}_gamma{r['gamma']}" for r in rows] == SMALL_PAIRS
    for row in rows:
        saved = json.loads(
            (workdir / "results" / "cv" / f"C{row['C']}_gamma{row['gamma']}.json").read_text()
        )
        assert f"{saved['cv_mean']:.6f}" == row["cv_mean"]
    best = json.loads((workdir / "results" / "best.json").read_text())
    assert max(float(r["cv_mean"]) for r in rows) == best["cv_mean"]
    assert best["test_accuracy"] > 0.95
    # Every job wrote its log; the heavy rule also wrote a benchmark.
    for pair in SMALL_PAIRS:
        assert (
            "fold accuracies:" in (workdir / "logs" / "cross_validate" / f"{pair}.log").read_text()
        )
        assert (
            (workdir / "benchmarks" / "cross_validate" / f"{pair}.tsv")
            .read_text()
            .startswith("s\t")
        )
    for log in ["split_data", "summarise", "refit_best"]:
        assert (workdir / "logs" / f"{log}.log").stat().st_size > 0


def test_same_results_as_starting_script(clean_run, tmp_path):
    workdir, _ = clean_run
    proc = python(
        EXERCISES / "tuning" / "tune_svm.py",
        "--folds",
        "3",
        "--c-values",
        "1",
        "10",
        "--gamma-values",
        "0.0001",
        "0.001",
        cwd=tmp_path,
    )
    assert "best: C=1 gamma=0.001" in proc.stdout
    assert (tmp_path / "results" / "tuning.png").read_bytes().startswith(b"\x89PNG")
    for name in FINAL:
        assert (tmp_path / name).read_bytes() == (workdir / name).read_bytes(), name


def test_killed_run_resumes_with_only_the_missing_jobs(clean_run, tmp_path):
    """SIGKILL the whole run while cross-validation jobs are running, then finish it."""
    workdir = copy_workflow("tuning", tmp_path)
    first = subprocess.Popen(
        ["snakemake", "--cores", CORES, "--configfile", SMALL, "--config", "pause_seconds=120"],
        cwd=workdir,
        env=learner_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    logs = workdir / "logs" / "cross_validate"
    deadline = time.monotonic() + 120
    try:
        # Wait until two cross-validation jobs are running (paused by the drill).
        while time.monotonic() < deadline:
            running = [p for p in logs.glob("*.log") if "pausing" in p.read_text()]
            if len(running) == 2:
                break
            assert first.poll() is None, "the run ended before it could be killed"
            time.sleep(0.5)
        else:
            pytest.fail("no cross-validation job started within 120 s")
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    assert (workdir / "results" / "data" / "split.json").exists()
    assert not list((workdir / "results" / "cv").glob("*.json"))

    # A kill leaves Snakemake's lock behind: the next run refuses to start until --unlock.
    locked = run(["snakemake", "--cores", CORES, "--configfile", SMALL], workdir, check=False)
    assert locked.returncode != 0
    assert "Directory cannot be locked" in locked.stdout + locked.stderr
    run(["snakemake", "--unlock"], workdir)
    rerun = run(
        ["snakemake", "--cores", CORES, "--configfile", SMALL, "--rerun-incomplete"], workdir
    )
    # The split had finished before the kill, so it is not made again; everything else is.
    assert finished_jobs(rerun.stdout + rerun.stderr) == {
        "cross_validate": 4,
        "summarise": 1,
        "refit_best": 1,
        "all": 1,
    }
    for name in FINAL:
        assert (workdir / name).read_bytes() == (clean_run[0] / name).read_bytes(), name
    # A third run has nothing left to do.
    again = run(["snakemake", "--cores", CORES, "--configfile", SMALL], workdir)
    assert finished_jobs(again.stdout + again.stderr) == {}
    assert "Nothing to be done" in again.stdout + again.stderr
