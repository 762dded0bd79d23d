"""The "100 seeds, then 20 more" study (code/snakemake/seeds_study/Snakefile) with a few seeds.

The proofs count the jobs that each real run finished (Snakemake's `Finished jobid` lines) and
check that results of seeds that should not run again keep their modification times.
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
import statistics

import pytest

_spec = importlib.util.spec_from_file_location(
    "planning_helpers", pathlib.Path(__file__).with_name("planning_helpers.py"))
h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(h)

SNAKEFILE = "snakemake/seeds_study/Snakefile"
OUT = "results/seeds_study"


@pytest.fixture
def study(tmp_path):
    """A copy of the study's folders; commands run from its code/ folder, as in the lesson."""
    h.copy_tree(tmp_path, "code/python/seeds_study", "code/snakemake/seeds_study")
    return tmp_path / "code"


def snake(code, *extra, seeds="test_seeds.txt"):
    cmd = ["snakemake", "--snakefile", SNAKEFILE, "--cores", "2", "--config",
           f"seeds_file={seeds}", *extra]
    proc = h.run(cmd, code)
    return proc.stdout + proc.stderr


def seed_files(code):
    return sorted((code / OUT / "seeds").glob("seed_*.json"))


def mtimes(paths):
    return {p.name: p.stat().st_mtime_ns for p in paths}


def expected_summary(code, decimals):
    scores = [json.loads(p.read_text())["test_accuracy"] for p in seed_files(code)]
    return (
        "statistic\tvalue\n"
        f"seeds\t{len(scores)}\n"
        f"mean_accuracy\t{statistics.mean(scores):.{decimals}f}\n"
        f"std_accuracy\t{statistics.stdev(scores):.{decimals}f}\n"
        f"min_accuracy\t{min(scores):.{decimals}f}\n"
        f"max_accuracy\t{max(scores):.{decimals}f}\n"
    )


def test_only_new_seeds_and_changed_summaries_run(study):
    code = study
    (code / "test_seeds.txt").write_text("1\n2\n3\n")

    # A first run computes every seed and the summary.
    ran = h.finished_jobs(snake(code))
    assert ran == {"train": 3, "summarize": 1, "all": 1}, ran
    assert [p.name for p in seed_files(code)] == ["seed_1.json", "seed_2.json", "seed_3.json"]
    assert (code / OUT / "summary.tsv").read_text() == expected_summary(code, 3)
    before = mtimes(seed_files(code))

    # Adding seeds runs only the new seeds' jobs, plus the summary.
    with open(code / "test_seeds.txt", "a") as handle:
        handle.write("4\n5\n")
    ran = h.finished_jobs(snake(code))
    assert ran == {"train": 2, "summarize": 1, "all": 1}, ran
    after = mtimes(seed_files(code))
    assert {k: after[k] for k in before} == before, "old seeds were recomputed"
    assert sorted(after) == [f"seed_{i}.json" for i in range(1, 6)]
    assert (code / OUT / "summary.tsv").read_text() == expected_summary(code, 3)

    # Changing only the summary's parameter re-runs only the summary.
    ran = h.finished_jobs(snake(code, "decimals=4"))
    assert ran == {"summarize": 1, "all": 1}, ran
    assert mtimes(seed_files(code)) == after
    assert (code / OUT / "summary.tsv").read_text() == expected_summary(code, 4)

    # Changing only the summary's script re-runs only the summary.
    script = code / "python" / "seeds_study" / "summarize.py"
    script.write_text(script.read_text() + "\n# an edit that changes nothing\n")
    ran = h.finished_jobs(snake(code, "decimals=4"))
    assert ran == {"summarize": 1, "all": 1}, ran
    assert mtimes(seed_files(code)) == after

    # A rerun with no change runs nothing.
    output = snake(code, "decimals=4")
    assert h.finished_jobs(output) == {}, output
    assert "Nothing to be done" in output

    # Editing the training script would re-train every seed (checked with a dry run).
    script = code / "python" / "seeds_study" / "train_seed.py"
    script.write_text(script.read_text() + "\n# an edit that changes nothing\n")
    planned = h.planned_jobs(snake(code, "decimals=4", "--dry-run"))
    assert planned == {"train": 5, "summarize": 1, "all": 1}, planned


def test_summary_is_identical_serial_and_parallel(tmp_path):
    results = []
    for cores in ("1", "2"):
        code = h.copy_tree(tmp_path / cores, "code/python/seeds_study",
                           "code/snakemake/seeds_study") / "code"
        (code / "test_seeds.txt").write_text("8\n9\n")
        h.run(["snakemake", "--snakefile", SNAKEFILE, "--cores", cores, "--config",
               "seeds_file=test_seeds.txt"], code)
        results.append([(code / OUT / "summary.tsv").read_bytes()]
                       + [p.read_bytes() for p in seed_files(code)])
    assert results[0] == results[1]


@pytest.mark.parametrize("content, message", [
    ("1\nseven\n", "line 2: not a whole number: 'seven'"),
    ("1\n2\n1\n", "line 3: seed 1 is listed twice"),
])
def test_a_bad_seeds_file_stops_the_workflow_with_a_clear_message(study, content, message):
    (study / "bad_seeds.txt").write_text(content)
    proc = h.run(["snakemake", "--snakefile", SNAKEFILE, "--cores", "1", "--dry-run",
                  "--config", "seeds_file=bad_seeds.txt"], study, check=False)
    assert proc.returncode != 0
    assert message in proc.stdout + proc.stderr
    assert not (study / OUT).exists()


@pytest.mark.parametrize("snakefile", [
    "code/snakemake/seeds_study/Snakefile",
    "code/snakemake/many_small_tasks/Snakefile",
])
def test_snakemake_lint_is_clean(root, snakefile):
    proc = h.run(["snakemake", "--snakefile", str(root / snakefile), "--lint"], root / "code")
    output = proc.stdout + proc.stderr
    assert "Lints for" not in output, output
    assert "Congratulations, your workflow is in a good condition!" in output
