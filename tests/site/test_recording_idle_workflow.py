"""When a page's session ran Snakemake for nothing (`recording.idle_workflow_blocks`): a block
that runs Snakemake to do work printed "Nothing to be done", on the terminal or into the file it
sends Snakemake's output to, and the page does not show that outcome. No cluster needed."""

import pytest

from lessontest.recording import (
    Ran,
    idle_workflow_blocks,
    runs_snakemake_to_do_work,
    snakemake_logs,
)

NOTHING = "Building DAG of jobs...\nNothing to be done (all requested files are present).\n"
WORKED = "Building DAG of jobs...\n3 of 3 steps (100%) done\n"
RUN = "snakemake --snakefile Snakefile --cores 2\n"
THREADS = """snakemake --snakefile snakemake/scikit_example/cores/Snakefile \\
    --profile snakemake/scikit_example/profiles/slurm --set-threads train=2 \\
    -- results/knn_k04_euclidean.png > threads.log 2>&1
grep -m 1 "Shell command" threads.log
"""


def ran(block: str, stdout: str = "", stderr: str = "", logs=None) -> Ran:
    return Ran(block, 0, stdout, stderr, logs or {})


@pytest.mark.parametrize(
    "block",
    [
        RUN,
        THREADS,
        "job=1\nsnakemake --profile p -- results/a.png > again.log 2>&1 &\nwait $!\n",
        "if true; then\n    snakemake --cores 1 # then look\nfi\n",
    ],
)
def test_a_snakemake_run_does_work(block):
    assert runs_snakemake_to_do_work(block)


@pytest.mark.parametrize(
    "block",
    [
        "snakemake --snakefile Snakefile --dry-run\n",
        "snakemake -n --cores 2\n",
        "snakemake --snakefile Snakefile --delete-all-output\n",
        "snakemake --rulegraph | dot -Tsvg > rulegraph.svg\n",
        "snakemake --version\n",
        "python train.py --cores 2  # not snakemake\n",
        "grep snakemake log.txt\n",
    ],
)
def test_a_dry_run_or_report_does_no_work(block):
    assert not runs_snakemake_to_do_work(block)


def test_the_files_snakemake_writes_to():
    assert snakemake_logs(THREADS) == ["threads.log"]
    assert snakemake_logs("snakemake --cores 1 >>run.log\n") == ["run.log"]
    assert snakemake_logs(RUN) == []
    assert snakemake_logs("snakemake --rulegraph | dot -Tsvg > rulegraph.svg\n") == []


def test_nothing_to_do_on_the_terminal_fails():
    session = {"run": ran(RUN, stderr=NOTHING), "other": ran(RUN, stderr=WORKED)}
    assert idle_workflow_blocks(session, shown={}) == ["run"]


def test_nothing_to_do_in_the_log_file_fails():
    session = {"threads": ran(THREADS, logs={"threads.log": NOTHING})}
    assert idle_workflow_blocks(session, shown={}) == ["threads"]
    session = {"threads": ran(THREADS, logs={"threads.log": WORKED})}
    assert idle_workflow_blocks(session, shown={}) == []


def test_a_dry_run_that_finds_nothing_to_do_is_not_counted():
    session = {"dry": ran("snakemake --dry-run\n", stdout=NOTHING)}
    assert idle_workflow_blocks(session, shown={}) == []


def test_a_page_that_shows_nothing_to_do_teaches_it():
    session = {"again": ran(RUN, stderr=NOTHING), "code": "a folder, not a block"}
    assert idle_workflow_blocks(session, shown={"again": NOTHING}) == []
    assert idle_workflow_blocks(session, shown={"again": WORKED}) == ["again"]
