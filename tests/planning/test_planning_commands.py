"""Run every command that content/planning.md tells learners to type, as the page shows it and in
page order (content/many-small-tasks.md's: test_many_small_tasks.py and test_group_jobs.py).

Each block is taken from the page by its name (lessontest.pages.command). They run from the code/
folder of a learner's copy of the lesson (code/ and exercises/, as in the download), with the
lesson's Python environment on PATH, each as one bash script that stops at its first failing line.
"""

from __future__ import annotations

import json
import statistics

import pytest

from lessontest.pages import command, command_lines
from lessontest.paths import ROOT
from lessontest.shell import run
from lessontest.snakemake import finished_jobs, job_counts
from lessontest.tree import copy_lesson

PAGE = "planning.md"


def run_block(code, name):
    """The page's block `name`, run from `code`: (stdout, all output)."""
    return run_text(code, command(PAGE, name))


def run_text(code, text):
    proc = run(text, code)
    return proc.stdout, proc.stdout + proc.stderr


def seed_mtimes(code):
    return {
        p.name: p.stat().st_mtime_ns
        for p in (code / "results" / "seeds_study" / "seeds").glob("seed_*.json")
    }


def edit(path):
    """Change a script without changing what it does, as a learner's edit would."""
    path.write_text(path.read_text() + "\n# an edit that changes nothing\n")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Run every block once, in page order, in one copy of the tree, plus a few checks between
    them that the page describes in words (editing a script). Outputs by name."""
    code = copy_lesson(tmp_path_factory.mktemp("planning"), folders=("code", "exercises")) / "code"
    out = {"code": code}
    out["study_dry_run"] = run_block(code, "planning-seeds-dry-run")
    out["rehearsal"] = run_block(code, "planning-seeds-rehearsal")
    out["mtimes_10"] = seed_mtimes(code)
    out["add_two"] = run_block(code, "planning-seeds-add")
    out["mtimes_12"] = seed_mtimes(code)
    out["decimals"] = run_block(code, "planning-seeds-decimals")
    # Editing only the summary's script re-runs only the summary (the page says so in words): the
    # page's rehearsal command with decimals=4 (the first line of its decimals block), once more.
    edit(code / "python" / "seeds_study" / "summarize.py")
    out["edit_summary"] = run_text(code, command_lines(PAGE, "planning-seeds-decimals")[0])
    out["mtimes_after_edit"] = seed_mtimes(code)
    # The exercise's block, then its question 3: editing the training script, and the exercise's
    # dry run (the block's last line) again.
    out["exercise"] = run_block(code, "planning-1-more-seeds")
    edit(code / "python" / "seeds_study" / "train_seed.py")
    out["edit_train"] = run_text(code, command_lines(PAGE, "planning-1-more-seeds")[-1])
    return out


def test_the_full_study_plans_one_job_per_seed(outputs):
    assert job_counts(outputs["study_dry_run"][1]) == {"train": 100, "summarize": 1, "all": 1}
    assert not (outputs["code"] / "results" / "seeds_study" / "seeds" / "seed_50.json").exists()


def test_the_rehearsal_runs_ten_seeds_then_only_the_two_new_ones(outputs):
    stdout, text = outputs["rehearsal"]
    assert finished_jobs(text) == {"train": 10, "summarize": 1, "all": 1}
    assert "seeds\t10\n" in stdout
    assert finished_jobs(outputs["add_two"][1]) == {"train": 2, "summarize": 1, "all": 1}
    before, after = outputs["mtimes_10"], outputs["mtimes_12"]
    assert len(before) == 10 and len(after) == 12
    assert {name: after[name] for name in before} == before, "old seeds were recomputed"


def _two_runs(text):
    """Split the output of a block that ran Snakemake twice at the second run's banner."""
    parts = text.split("SNAKEMAKE\n=========")
    assert len(parts) == 3, text
    return parts[1], parts[2]


def test_changing_decimals_reruns_only_the_summary_then_nothing(outputs):
    first, second = _two_runs(outputs["decimals"][1])
    assert finished_jobs(first) == {"summarize": 1, "all": 1}
    assert "Params have changed since last execution" in first
    assert finished_jobs(second) == {}
    assert "Nothing to be done" in second
    code = outputs["code"]
    scores = [
        json.loads(p.read_text())["test_accuracy"]
        for p in sorted((code / "results" / "seeds_study" / "seeds").glob("seed_*.json"))
    ]
    summary = (code / "results" / "seeds_study" / "summary.tsv").read_text()
    assert summary == (
        "statistic\tvalue\n"
        f"seeds\t12\n"
        f"mean_accuracy\t{statistics.mean(scores):.4f}\n"
        f"std_accuracy\t{statistics.stdev(scores):.4f}\n"
        f"min_accuracy\t{min(scores):.4f}\n"
        f"max_accuracy\t{max(scores):.4f}\n"
    )


def test_editing_only_the_summary_script_reruns_only_the_summary(outputs):
    text = outputs["edit_summary"][1]
    assert finished_jobs(text) == {"summarize": 1, "all": 1}, text
    assert "Updated input files: python/seeds_study/summarize.py" in text
    assert outputs["mtimes_after_edit"] == outputs["mtimes_12"]


def test_exercise_planning_1_prediction_matches_the_dry_run(outputs):
    solution = ROOT / "solutions" / "planning-1" / "expected_jobs.txt"
    predicted = {}
    for line in solution.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, count = line.split()
            predicted[name] = int(count)
    assert job_counts(outputs["exercise"][1]) == predicted
    seeds = (ROOT / "exercises" / "planning-1" / "more_seeds.txt").read_text().split()
    assert len(seeds) == 20 and predicted["train"] == 20
    # Question 3 of its solution: an edit of the training script re-trains all 32 seeds.
    assert job_counts(outputs["edit_train"][1]) == {"train": 32, "summarize": 1, "all": 1}
