"""Option c, trying different models: the starting script, the reference workflow, a failing job."""

from __future__ import annotations

import csv
import json

import pytest

from lessontest.assignment import (
    EXERCISES,
    copy_workflow,
    page_run,
    small_run,
)
from lessontest.shell import assert_one_error_line, python, run
from lessontest.snakemake import finished_jobs

SMALL_MODELS = ["decision_tree", "knn", "naive_bayes"]
FINAL = ["results/models.csv", "results/models.png"]


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    return small_run(tmp_path_factory, "models")


def run_starting_script(cwd, *args):
    return python(EXERCISES / "models" / "compare_models.py", *args, cwd=cwd, check=False)


def test_starting_script_rejects_unknown_model(tmp_path):
    proc = run_starting_script(tmp_path, "--models", "knn", "deep_net")
    assert_one_error_line(proc, "unknown model 'deep_net'; choose from decision_tree, knn,")
    assert not (tmp_path / "results" / "models.csv").exists()


def test_undefined_model_is_rejected_before_any_job(tmp_path):
    workdir = copy_workflow("models", tmp_path)
    proc = run(
        ["snakemake", "--dry-run", "--config", "compare=[knn,deep_net]"], workdir, check=False
    )
    assert proc.returncode != 0
    assert (
        "invalid config at compare: model 'deep_net' is not defined under models"
        in proc.stdout + proc.stderr
    )


def test_clean_run_results(clean_run):
    workdir, proc = clean_run
    assert finished_jobs(proc.stdout + proc.stderr) == {
        "evaluate_model": 3,
        "compare_models": 1,
        "all": 1,
    }
    rows = list(csv.DictReader((workdir / "results" / "models.csv").open()))
    assert [r["model"] for r in rows] == SMALL_MODELS
    for row in rows:
        scores = json.loads((workdir / "results" / "scores" / f"{row['model']}.json").read_text())[
            "scores"
        ]
        assert len(scores) == 3
        assert f"{sum(scores) / 3:.6f}" == row["cv_mean"]
        log = (workdir / "logs" / "evaluate_model" / f"{row['model']}.log").read_text()
        assert "fold accuracies:" in log
        assert (workdir / "benchmarks" / "evaluate_model" / f"{row['model']}.tsv").exists()
    assert "knn: " in (workdir / "logs" / "compare_models.log").read_text()


def test_same_results_as_starting_script(clean_run, tmp_path):
    proc = run_starting_script(tmp_path, "--folds", "3", "--models", *SMALL_MODELS)
    assert proc.returncode == 0, proc.stderr
    assert "best model: knn" in proc.stdout
    for name in FINAL:
        assert (tmp_path / name).read_bytes() == (clean_run[0] / name).read_bytes(), name


def test_failing_job_keeps_its_log_and_keep_going_finishes_the_rest(page_runs):
    """The page's --keep-going block, run on a config with a misspelt model parameter."""
    base, block, proc = page_run(page_runs, "assignment-models-solution")
    workdir = base / "solutions" / "assignment" / "models"
    output = proc.stdout + proc.stderr
    # The block's `|| echo` turns the failure into text, so that the page's next lines still run.
    assert "snakemake reported a failure" in output
    assert "Error in rule evaluate_model" in output
    assert "logs/evaluate_model/knn_misspelt.log (check log file(s) for error details)" in output
    log = (workdir / "logs" / "evaluate_model" / "knn_misspelt.log").read_text()
    assert "model 'knn_misspelt': KNeighborsClassifier has no parameter 'n_neighbours'" in log
    # The independent models finished; the failed one and everything after it did not.
    scores = workdir / "results" / "scores"
    assert sorted(p.name for p in scores.iterdir()) == ["decision_tree.json", "naive_bayes.json"]
    assert not (workdir / "results" / "models.csv").exists()
    # The job was retried once (retries: 1) before Snakemake gave up on it.
    assert finished_jobs(output) == {"evaluate_model": 2}
    assert output.count("Error in rule evaluate_model") == 2
