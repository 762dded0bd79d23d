"""Option a, image processing: the starting scripts, the reference workflow, and its faults."""

from __future__ import annotations

import csv
import json
import os
import pathlib
import signal
import subprocess
import time

import pytest

from lessontest.assignment import CORES, EXERCISES, SMALL, copy_workflow, small_run
from lessontest.shell import assert_one_error_line, learner_env, python, run
from lessontest.snakemake import finished_jobs
from lessontest.tree import tree_bytes

SMALL_IMAGES = ["digit0_00", "digit1_00"]
FINAL = ["results/features.csv", "results/summary.csv", "results/mean_images.png"]


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    return small_run(tmp_path_factory, "images")


def starting_script(cwd, script, *args, check=True):
    return python(EXERCISES / "images" / script, *args, cwd=cwd, check=check)


def test_starting_scripts_run(tmp_path):
    starting_script(tmp_path, "export_digits.py", "--per-class", "1", "--digits", "0", "1")
    assert sorted(p.stem for p in (tmp_path / "images").iterdir()) == SMALL_IMAGES
    proc = starting_script(tmp_path, "process_images.py")
    assert "processed 2 images of 2 digits" in proc.stdout
    rows = list(csv.DictReader((tmp_path / "results" / "features.csv").open()))
    assert [r["image"] for r in rows] == SMALL_IMAGES
    assert all(0 <= float(r[k]) <= 1 for r in rows for k in r if k not in ("image", "label"))
    summary = list(csv.DictReader((tmp_path / "results" / "summary.csv").open()))
    assert [(s["label"], s["images"]) for s in summary] == [("0", "1"), ("1", "1")]
    # A zero is round: nearly as symmetric left-right as top-bottom, and its ink centred.
    zero = summary[0]
    assert float(zero["symmetry_lr"]) > 0.8 and abs(float(zero["centre_col"]) - 0.5) < 0.05


def test_starting_script_rejects_a_broken_image(tmp_path):
    starting_script(tmp_path, "export_digits.py", "--per-class", "1", "--digits", "3")
    (tmp_path / "images" / "digit3_00.pgm").write_text("P5 not text\n")
    proc = starting_script(tmp_path, "process_images.py", check=False)
    assert_one_error_line(proc, "digit3_00.pgm: not a plain PGM image")
    assert not (tmp_path / "results").exists()


def test_clean_run_results(clean_run):
    workdir, proc = clean_run
    assert finished_jobs(proc.stdout + proc.stderr) == {
        "export_digits": 1,
        "resize": 2,
        "normalise": 2,
        "extract_features": 2,
        "summarise": 1,
        "all": 1,
    }
    rows = list(csv.DictReader((workdir / "results" / "features.csv").open()))
    assert [r["image"] for r in rows] == SMALL_IMAGES
    for row in rows:
        saved = json.loads((workdir / "results" / "features" / f"{row['image']}.json").read_text())
        assert f"{saved['ink']:.6f}" == row["ink"]
        for step in ["resize", "normalise", "extract_features"]:
            assert row["image"] in (workdir / "logs" / step / f"{row['image']}.log").read_text()
        assert (workdir / "benchmarks" / "resize" / f"{row['image']}.tsv").exists()
    assert "2 images of 2 digits" in (workdir / "logs" / "summarise.log").read_text()


def test_same_results_as_starting_script(clean_run, tmp_path):
    workdir, _ = clean_run
    starting_script(tmp_path, "process_images.py", "--images", workdir / "resources" / "images")
    for name in FINAL:
        assert (tmp_path / name).read_bytes() == (workdir / name).read_bytes(), name
    # The workflow's exported images are the starting script's, byte for byte.
    starting_script(tmp_path, "export_digits.py", "--per-class", "1", "--digits", "0", "1")
    assert tree_bytes(tmp_path / "images") == tree_bytes(workdir / "resources" / "images")


def test_broken_image_fails_its_branch_only(clean_run, tmp_path):
    """A corrupt input file: its job fails with a clear log.

    --keep-going finishes the other images.
    """
    workdir = copy_workflow("images", tmp_path)
    run(["snakemake", "export_digits", "--cores", CORES, "--configfile", SMALL], workdir)
    (workdir / "resources" / "images" / "digit1_00.pgm").write_text("P2\n8 8\n16\n1 2 3\n")
    proc = run(
        ["snakemake", "--cores", CORES, "--configfile", SMALL, "--keep-going"],
        workdir,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Error in rule resize" in output
    assert "logs/resize/digit1_00.log (check log file(s) for error details)" in output
    log = (workdir / "logs" / "resize" / "digit1_00.log").read_text()
    assert "digit1_00.pgm: expected 64 pixels, found 3" in log
    others = [name for name in SMALL_IMAGES if name != "digit1_00"]
    assert sorted(p.stem for p in (workdir / "results" / "features").iterdir()) == others
    assert not (workdir / "results" / "resized" / "digit1_00.npy").exists()
    assert not (workdir / "results" / "features.csv").exists()
    assert finished_jobs(output) == {"resize": 1, "normalise": 1, "extract_features": 1}


def _after_first_features(log: str) -> bool:
    """The first image's features are finished and a next job has been started."""
    _, found, after = log.partition("(Rule: extract_features)")
    return bool(found) and "rule " in after


def _has_child(pid: int) -> bool:
    """The process has started a child process (Snakemake: a job is running)."""
    try:
        return any(
            (task / "children").read_text().split()
            for task in pathlib.Path(f"/proc/{pid}/task").iterdir()
        )
    except FileNotFoundError:  # a thread ended while we looked
        return False


def test_interrupted_run_resumes(clean_run, tmp_path):
    """SIGTERM (what Ctrl-C or a scheduler's time limit sends) mid-way, then run again."""
    workdir = copy_workflow("images", tmp_path)
    progress = tmp_path / "first-run.txt"
    with progress.open("w") as out:
        first = subprocess.Popen(
            ["snakemake", "--cores", "1", "--configfile", SMALL],
            cwd=workdir,
            env=learner_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 120
    try:
        # Interrupt once Snakemake reports the first image's features as finished, while the next
        # job runs. (Snakemake 9 deadlocks on a SIGTERM that arrives while it is choosing the next
        # job: its handler waits for a lock the interrupted code holds.)
        while not (_after_first_features(progress.read_text()) and _has_child(first.pid)):
            assert first.poll() is None, "the run ended before it could be interrupted"
            assert time.monotonic() < deadline, "no image was finished within 120 s"
            time.sleep(0.1)
    finally:
        os.killpg(first.pid, signal.SIGTERM)
        try:
            first.wait(timeout=180)
        except subprocess.TimeoutExpired:
            os.killpg(first.pid, signal.SIGKILL)
            pytest.fail("snakemake did not stop within 180 s of SIGTERM")
    features = workdir / "results" / "features"
    done_before = {p.stem for p in features.iterdir()}
    assert 0 < len(done_before) < len(SMALL_IMAGES)
    assert not (workdir / "results" / "features.csv").exists()

    # SIGTERM lets Snakemake clean up: no --unlock needed this time.
    rerun = run(
        ["snakemake", "--cores", CORES, "--configfile", SMALL, "--rerun-incomplete"], workdir
    )
    ran = finished_jobs(rerun.stdout + rerun.stderr)
    assert ran["export_digits"] == 0
    # Finished images are not processed again.
    assert ran["extract_features"] == len(SMALL_IMAGES) - len(done_before)
    assert ran["summarise"] == 1
    for name in FINAL:
        assert (workdir / name).read_bytes() == (clean_run[0] / name).read_bytes(), name
