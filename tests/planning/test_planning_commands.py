"""Run every command that content/planning.md tells learners to type, literally and in page order.

The commands are listed here word for word; the first test checks that the page's ```bash blocks
say exactly this, so the page and the test cannot drift apart. They run from the code/ folder of
a temporary copy of the tree (code/ plus the exercise's folder beside it), as learners do.
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
import re
import statistics
import textwrap

import pytest

_spec = importlib.util.spec_from_file_location(
    "planning_helpers", pathlib.Path(__file__).with_name("planning_helpers.py"))
h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(h)

PAGE = h.ROOT / "content" / "planning.md"
REHEARSAL = ("snakemake --snakefile snakemake/seeds_study/Snakefile --cores 2 "
             "--configfile snakemake/seeds_study/config/rehearsal.yaml")

# The page's ```bash blocks, in order, one list of lines per block.
BLOCKS = [
    ["python snakemake/many_small_tasks/measure_overhead.py --items 4 --repeats 1 --output overhead_mine.json"],
    ["snakemake --snakefile snakemake/many_small_tasks/Snakefile --cores 2 --dry-run --groups square=batch --group-components batch=6"],
    ["snakemake --snakefile snakemake/many_small_tasks/Snakefile --cores 2",
     "cat results/many_small_tasks/sum_of_squares.txt"],
    # needs a Slurm cluster: run by test_the_array_submission_on_slurm only
    ["snakemake --snakefile snakemake/many_small_tasks/Snakefile --profile snakemake/many_small_tasks/profiles/slurm-array --config n_items=6",
     "cat results/many_small_tasks/sum_of_squares.txt"],
    ["snakemake --snakefile snakemake/seeds_study/Snakefile --cores 2 --dry-run"],
    ["snakemake --snakefile snakemake/seeds_study/Snakefile --cores 2 --configfile snakemake/seeds_study/config/rehearsal.yaml",
     "cat results/seeds_study/summary.tsv"],
    [r"printf '11\n12\n' >> snakemake/seeds_study/seeds_rehearsal.txt",
     "snakemake --snakefile snakemake/seeds_study/Snakefile --cores 2 --configfile snakemake/seeds_study/config/rehearsal.yaml"],
    ["snakemake --snakefile snakemake/seeds_study/Snakefile --cores 2 --configfile snakemake/seeds_study/config/rehearsal.yaml --config decimals=4",
     "snakemake --snakefile snakemake/seeds_study/Snakefile --cores 2 --configfile snakemake/seeds_study/config/rehearsal.yaml --config decimals=4"],
    # exercise planning-1
    ["cat ../exercises/planning-1/more_seeds.txt >> snakemake/seeds_study/seeds_rehearsal.txt",
     "snakemake --snakefile snakemake/seeds_study/Snakefile --cores 2 --configfile snakemake/seeds_study/config/rehearsal.yaml --config decimals=4 --dry-run"],
]

_FENCE = re.compile(r"^( *)```bash\n(.*?)^\1```", re.M | re.S)


def page_blocks() -> list[list[str]]:
    blocks = []
    for match in _FENCE.finditer(PAGE.read_text(encoding="utf-8")):
        body = textwrap.dedent(match.group(2))
        blocks.append([line for line in body.splitlines() if line.strip()])
    return blocks


def test_the_page_shows_exactly_these_commands():
    assert page_blocks() == BLOCKS


def run_block(code, block):
    """One block as a bash script that stops at the first failing command: (stdout, all output)."""
    proc = h.run("set -euo pipefail\n" + "\n".join(block), code, shell=True)
    return proc.stdout, proc.stdout + proc.stderr


def seed_mtimes(code):
    return {p.name: p.stat().st_mtime_ns
            for p in (code / "results" / "seeds_study" / "seeds").glob("seed_*.json")}


def edit(path):
    """Change a script without changing what it does, as a learner's edit would."""
    path.write_text(path.read_text() + "\n# an edit that changes nothing\n")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Run every block once, in page order, in one copy of the tree, plus a few checks between
    them that the page describes in words (editing a script). Outputs by name."""
    tmp = tmp_path_factory.mktemp("planning")
    h.copy_tree(tmp, "code/python/seeds_study", "code/snakemake/seeds_study",
                "code/snakemake/many_small_tasks", "exercises/planning-1")
    code = tmp / "code"
    names = ["measure", "group_dry_run", "group_run", "slurm", "study_dry_run", "rehearsal",
             "add_two", "decimals"]
    out = {"code": code}
    for name, block in zip(names, BLOCKS):
        if name == "slurm":
            continue
        out[name] = run_block(code, block)
        if name == "rehearsal":
            out["mtimes_10"] = seed_mtimes(code)
        if name == "add_two":
            out["mtimes_12"] = seed_mtimes(code)
    # Editing only the summary's script re-runs only the summary (the page says so in words).
    edit(code / "python" / "seeds_study" / "summarize.py")
    out["edit_summary"] = run_block(code, [REHEARSAL + " --config decimals=4"])
    out["mtimes_after_edit"] = seed_mtimes(code)
    # The exercise's block, then its question 3: editing the training script.
    out["exercise"] = run_block(code, BLOCKS[8])
    edit(code / "python" / "seeds_study" / "train_seed.py")
    out["edit_train"] = run_block(code, [REHEARSAL + " --config decimals=4 --dry-run"])
    return out


def test_measuring_the_overhead_writes_a_record(outputs):
    record = json.loads((outputs["code"] / "overhead_mine.json").read_text())
    assert record["items"] == 4 and record["repeats"] == 1
    assert len(record["seconds"]["one_job_per_item"]) == 1
    assert "per extra job" in outputs["measure"][0]


def test_grouping_dry_run_shows_four_groups_of_six(outputs):
    text = outputs["group_dry_run"][1]
    groups = text.split("Group job batch")[1:]
    assert len(groups) == 4, text
    for group in groups:
        assert group.count("rule square:") == 6, group
    assert h.planned_jobs(text) == {"square": 24, "sum_of_squares": 1, "all": 1}


def test_the_local_run_of_many_small_tasks_adds_the_squares(outputs):
    stdout, text = outputs["group_run"]
    assert h.finished_jobs(text) == {"square": 24, "sum_of_squares": 1, "all": 1}
    assert stdout.strip() == str(sum(i * i for i in range(1, 25)))


def test_the_full_study_plans_one_job_per_seed(outputs):
    assert h.planned_jobs(outputs["study_dry_run"][1]) == {"train": 100, "summarize": 1, "all": 1}
    assert not (outputs["code"] / "results" / "seeds_study" / "seeds" / "seed_50.json").exists()


def test_the_rehearsal_runs_ten_seeds_then_only_the_two_new_ones(outputs):
    stdout, text = outputs["rehearsal"]
    assert h.finished_jobs(text) == {"train": 10, "summarize": 1, "all": 1}
    assert "seeds\t10\n" in stdout
    assert h.finished_jobs(outputs["add_two"][1]) == {"train": 2, "summarize": 1, "all": 1}
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
    assert h.finished_jobs(first) == {"summarize": 1, "all": 1}
    assert "Params have changed since last execution" in first
    assert h.finished_jobs(second) == {}
    assert "Nothing to be done" in second
    code = outputs["code"]
    scores = [json.loads(p.read_text())["test_accuracy"]
              for p in sorted((code / "results" / "seeds_study" / "seeds").glob("seed_*.json"))]
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
    assert h.finished_jobs(text) == {"summarize": 1, "all": 1}, text
    assert "Updated input files: python/seeds_study/summarize.py" in text
    assert outputs["mtimes_after_edit"] == outputs["mtimes_12"]


def test_exercise_planning_1_prediction_matches_the_dry_run(root, outputs):
    solution = root / "solutions" / "planning-1" / "expected_jobs.txt"
    predicted = {}
    for line in solution.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, count = line.split()
            predicted[name] = int(count)
    assert h.planned_jobs(outputs["exercise"][1]) == predicted
    seeds = (root / "exercises" / "planning-1" / "more_seeds.txt").read_text().split()
    assert len(seeds) == 20 and predicted["train"] == 20
    # Question 3 of its solution: an edit of the training script re-trains all 32 seeds.
    assert h.planned_jobs(outputs["edit_train"][1]) == {"train": 32, "summarize": 1, "all": 1}


@pytest.mark.slurm
def test_the_array_submission_on_slurm(tmp_path):
    """The page's Slurm block, in a fresh copy: the six square jobs go to Slurm as one array."""
    h.copy_tree(tmp_path, "code/snakemake/many_small_tasks")
    stdout, text = run_block(tmp_path / "code", BLOCKS[3])
    assert "Submitted array job with Snakemake IDs" in text, text
    assert "The individual task IDs are 1-6" in text, text
    assert h.finished_jobs(text) == {"square": 6, "sum_of_squares": 1, "all": 1}, text
    assert stdout.strip().splitlines()[-1] == str(sum(i * i for i in range(1, 7)))
