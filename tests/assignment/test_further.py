"""content/snakemake-further.md: every block run as the page shows it, on the tuning workflow
(the `further_runs` fixture, conftest.py), and what the page says each one shows.
test_tuning.py checks the same small run's results in more depth."""

from __future__ import annotations

import re

from lessontest.assignment import FURTHER, FURTHER_REFUSED
from lessontest.pages import learner_blocks
from lessontest.paths import CONTENT
from lessontest.shell import run
from lessontest.snakemake import finished_jobs, job_counts

PAGE_TEXT = (CONTENT / FURTHER).read_text()


def output(proc) -> str:
    return proc.stdout + proc.stderr


def says(text: str) -> bool:
    """The page says `text` (any whitespace between its words)."""
    return re.search(r"\s+".join(map(re.escape, text.split())), PAGE_TEXT) is not None


def test_every_block_ran_and_the_refused_ones_failed(further_runs):
    _, runs = further_runs
    assert list(runs) == learner_blocks(FURTHER)
    for name, proc in runs.items():
        assert (proc.returncode != 0) == (name in FURTHER_REFUSED), (name, output(proc))


def test_lint_is_clean_and_the_dry_run_plans_16_jobs(further_runs):
    out = output(further_runs[1]["snakemake-further-check"])
    assert "Congratulations, your workflow is in a good condition!" in out
    counts = {"split_data": 1, "cross_validate": 12, "summarise": 1, "refit_best": 1, "all": 1}
    assert job_counts(out) == counts
    assert says(f"The dry run plans {sum(counts.values())} jobs")


def test_a_bad_setting_is_refused_with_the_line_the_page_shows(further_runs):
    out = output(further_runs[1]["snakemake-further-bad-config"])
    line = "invalid config at folds: 1 is less than the minimum of 2"
    assert line in out and says(line)
    assert job_counts(out) == {}


def test_the_small_run_runs_eight_jobs(further_runs):
    jobs = finished_jobs(output(further_runs[1]["snakemake-further-run"]))
    assert jobs == {"split_data": 1, "cross_validate": 4, "summarise": 1, "refit_best": 1, "all": 1}
    assert sum(jobs.values()) == 8 and says("It runs eight jobs")


def test_the_records_are_the_pairs_log_and_its_benchmark(further_runs):
    out = further_runs[1]["snakemake-further-records"].stdout
    log, benchmark = out.split("\ns\t", 1)
    assert "C=1 gamma=0.001: 3 folds" in log
    assert re.search(r"fold accuracies: 0\.\d+ 0\.\d+ 0\.\d+$", log, re.M)
    header, values = ("s\t" + benchmark).splitlines()
    assert header.split("\t")[:3] == ["s", "h:m:s", "max_rss"] and "cpu_time" in header
    assert len(values.split("\t")) == len(header.split("\t"))


def test_exercise_1_the_full_configuration_keeps_only_the_split(further_runs):
    out = output(further_runs[1]["snakemake-further-1-dry-run"])
    assert job_counts(out) == {"cross_validate": 12, "summarise": 1, "refit_best": 1, "all": 1}


def test_exercise_2_the_typo_is_refused_and_the_other_settings_as_the_solution_says(
    further_runs,
):
    out = output(further_runs[1]["snakemake-further-2-typo"])
    line = "Additional properties are not allowed ('fold' was unexpected)"
    assert line in out and says(line)
    workdir = further_runs[0]
    valid = run(["snakemake", "--dry-run", "--config", "test_size=0.5"], workdir)
    assert job_counts(output(valid))
    refused = run(["snakemake", "--dry-run", "--config", "test_size=1.5"], workdir, check=False)
    assert refused.returncode != 0
    assert "invalid config at test_size: 1.5 is greater than or equal to the maximum of 1" in (
        output(refused)
    )
