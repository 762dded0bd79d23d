"""The commands that batch-job.md, array-jobs.md, dependencies.md, submission-script.md,
exercise-parallel-1.md, the exercises of failure-drills.md and cores.md, and the rerun check of
failure-drills.md tell learners to type, run exactly as the pages show them, WITHOUT a cluster.

Each test asks for a page's command blocks by name (lessontest.pages.command) and runs them, in page
order, in one bash session (`set -euo pipefail`), in a copy of the lesson's files laid out as the
download unpacks them (code/, exercises/, solutions/), with a fake sbatch first on PATH that records
what would have been submitted. The same commands are submitted to a real Slurm cluster by the
tests in tests/on_cluster/. The last tests check that the highlighted lines of the pages'
literalincludes still point at the lines the text talks about, and the exercise page's description
of its data.
"""

from __future__ import annotations

import re
import shlex

import pytest

from lessontest.pages import command
from lessontest.paths import CONTENT, ROOT
from lessontest.shell import run
from lessontest.tree import DOWNLOAD_TOP, copy_lesson


@pytest.fixture
def lesson(tmp_path):
    """The lesson's files as the download unpacks them; commands start in code/."""
    return copy_lesson(tmp_path / DOWNLOAD_TOP, folders=("code", "exercises", "solutions"))


def run_page(page, names, lesson, fake_sbatch):
    """Run the page's blocks `names`, in this order, one after another in one shell from code/."""
    script = "\n".join(command(page, name) for name in names)
    return run(script, lesson / "code", env=fake_sbatch.env())


def test_batch_job_page(lesson, fake_sbatch):
    run_page("batch-job.md", ["batch-submit"], lesson, fake_sbatch)
    (call,) = fake_sbatch.calls()
    assert call["options"] == [] and call["script"] == "slurm/scikit_example/serial.sh"


def test_array_jobs_page(lesson, fake_sbatch):
    proc = run_page(
        "array-jobs.md", ["array-make-params", "array-try-one-task"], lesson, fake_sbatch
    )
    code = lesson / "code"
    lines = (code / "params.txt").read_text().splitlines()
    last = len(lines) - 1
    # head -n 3 printed the first three lines; the task run by hand trained line 3.
    assert "\n".join(lines[:3]) in proc.stdout
    k, metric = lines[3].split()
    assert sorted(p.name for p in (code / "results").iterdir()) == [
        f"knn_k{int(k):02d}_{metric}.json",
        f"knn_k{int(k):02d}_{metric}.png",
    ]
    # The submission first deletes the results made before it (here, the task run by hand), so
    # that what the array makes is all there is.
    run_page("array-jobs.md", ["array-submit"], lesson, fake_sbatch)
    assert not (code / "results").exists()
    calls = [
        (call["options"], call["script"].rsplit("/", 1)[-1], call["script_args"])
        for call in fake_sbatch.calls()
    ]
    assert calls == [([f"--array=0-{last}"], "array.sh", [])]


def test_dependencies_page(lesson, fake_sbatch, grid):
    """The pipeline's three chained jobs, whose array reads a copy of params.txt named after the
    preprocess job; the clean-up of those copies; submit_jobs.py waiting for a preprocess job;
    the exercise's rerun of two tasks with the collect step waiting for it."""
    code = lesson / "code"
    copied = "params-5001.txt"  # named after the pipeline's preprocess job, the first call
    run_page("dependencies.md", ["dependencies-pipeline"], lesson, fake_sbatch)
    lines = (code / "params.txt").read_text().splitlines()
    last = len(lines) - 1
    assert (code / copied).read_text() == (code / "params.txt").read_text()
    run_page(
        "dependencies.md",
        ["dependencies-clean-up", "dependencies-submit-jobs", "dependencies-rerun"],
        lesson,
        fake_sbatch,
    )
    assert not list(code.glob("params-*.txt"))
    calls = [
        (call["options"], call["script"].rsplit("/", 1)[-1], call["script_args"])
        for call in fake_sbatch.calls()
    ]
    n = len(grid)
    preprocess_id, rerun_id = 5004, 5005 + n
    assert calls[:4] == [
        (["--parsable"], "preprocess.sh", []),
        (["--parsable", "--dependency=afterok:5001", f"--array=0-{last}"], "array.sh", [copied]),
        (["--parsable", "--dependency=afterok:5002"], "collect.sh", []),
        (["--parsable"], "preprocess.sh", []),
    ]
    chained = fake_sbatch.calls()[4 : 4 + n]
    assert [["sbatch", *call["argv"]] for call in chained] == [
        expected_command(k, metric, f"afterok:{preprocess_id}") for k, metric in grid
    ]
    assert calls[4 + n :] == [
        (["--parsable", "--array=3,17"], "array.sh", []),
        ([f"--dependency=afterok:{rerun_id}"], "collect.sh", []),
    ]


def test_failure_drills_solution(lesson, fake_sbatch):
    """Drills-1: one array per set of options (the options before the script name), then one
    collect job that waits for all three arrays."""
    run_page("failure-drills.md", ["drills-1-solution"], lesson, fake_sbatch)
    calls = [(call["options"], call["script"], call["script_args"]) for call in fake_sbatch.calls()]
    array, collect = "slurm/scikit_example/array.sh", "slurm/scikit_example/collect.sh"
    assert calls == [
        (["--parsable", "--array=17,18", "--time=00:20:00"], array, []),
        (["--parsable", "--array=30", "--mem=2G"], array, []),
        (["--parsable", "--array=3"], array, []),
        (["--dependency=afterok:5001:5002:5003"], collect, []),
    ]


FAKE_SACCT = """#!/bin/bash
# sacct -j 9001 -X -n -P --format=JobID,State, for an array 0-34 whose tasks are all $FAKE_STATE
for i in $(seq 0 34); do echo "9001_$i|$FAKE_STATE"; done
"""


@pytest.mark.parametrize(
    ("state", "said"),
    [
        ("COMPLETED", "every task completed: nothing to run again"),
        ("RUNNING", "failed_tasks.py stopped: see its message"),
    ],
)
def test_failure_drills_rerun_submits_nothing_when_nothing_failed(lesson, fake_sbatch, state, said):
    """The rerun block's check: when every task completed, or failed_tasks.py cannot tell yet, it
    says so and submits nothing (an empty --array= would submit array.sh as a plain job)."""
    sacct = fake_sbatch.dir / "sacct"
    sacct.write_text(FAKE_SACCT)
    sacct.chmod(0o755)
    script = "array=9001\n" + command("failure-drills.md", "drills-rerun")
    proc = run(script, lesson / "code", env=fake_sbatch.env({"FAKE_STATE": state}))
    assert proc.stdout == said + "\n", proc.stdout
    assert fake_sbatch.calls() == []


def test_cores_solution(lesson, fake_sbatch):
    """Cores-1: four tasks of the array chapter's array, with two cores each and the script
    unchanged (options before the script name win over its #SBATCH lines). The tasks hold two
    cores but use one: array.sh runs train_one.py, on one process, as the solution says."""
    run_page("cores.md", ["cores-1-solution"], lesson, fake_sbatch)
    calls = [(call["options"], call["script"], call["script_args"]) for call in fake_sbatch.calls()]
    assert calls == [(["--array=0-3", "--cpus-per-task=2"], "slurm/scikit_example/array.sh", [])]
    script = (lesson / "code" / "slurm" / "scikit_example" / "array.sh").read_text()
    assert "train_one.py" in script and "n-jobs" not in script and "train_task" not in script


def expected_command(k, metric, dependency=None):
    """The sbatch command submit_jobs.py must run for one combination, as an argument list."""
    options = ["--parsable", f"--job-name=knn_k{k:02d}_{metric}"]
    if dependency:
        options.append(f"--dependency={dependency}")
    return [
        "sbatch",
        *options,
        "slurm/scikit_example/one_job.sh",
        "--n-neighbors",
        str(k),
        "--metric",
        metric,
    ]


def test_submission_script_page(lesson, fake_sbatch, grid):
    """The dry run prints exactly the commands then submitted, as argument lists, one per
    combination, named after it (--dependency: test_dependencies_page)."""
    proc = run_page(
        "submission-script.md",
        [
            "submission-dry-run",
            "submission-submit",
        ],
        lesson,
        fake_sbatch,
    )
    out = proc.stdout.splitlines()
    n = len(grid)
    assert out[:n] == [shlex.join(expected_command(k, metric)) for k, metric in grid]
    assert (lesson / "code" / "data" / "iris_split.json").exists()
    submitted = [f"knn_k{k:02d}_{metric}: job {5001 + i}" for i, (k, metric) in enumerate(grid)]
    start = out.index(submitted[0], n)  # after what preprocess.py prints
    assert out[start : start + n + 1] == [*submitted, f"Submitted {n} jobs."]
    plain = fake_sbatch.calls()
    assert len(plain) == n
    assert [["sbatch", *call["argv"]] for call in plain] == [shlex.split(line) for line in out[:n]]
    # The fake splits like sbatch: options (with the job name), the script, the script's arguments.
    for call, (k, metric) in zip(plain, grid, strict=True):
        assert call["script"] == "slurm/scikit_example/one_job.sh"
        assert call["script_args"] == ["--n-neighbors", str(k), "--metric", metric]


def test_exercise_parallel_1_page(lesson, fake_sbatch):
    proc = run_page(
        "exercise-parallel-1.md", ["parallel-1-start", "parallel-1-solution"], lesson, fake_sbatch
    )
    folder = lesson / "exercises" / "parallel-1"
    assert len(list((folder / "output").iterdir())) == 7
    assert "\n7\n" in proc.stdout
    assert proc.stdout.endswith("\n7\nwrote output/australia.txt\nSubmitted batch job 5001\n")
    (call,) = fake_sbatch.calls()
    assert call["options"] == ["--array=0-6"] and call["script"] == "cities_array.sh"
    assert call["cwd"] == str(folder)


# The lines each page highlights in an included file, and a word every one of them must contain.
HIGHLIGHTS = {
    ("array-jobs.md", "/code/slurm/scikit_example/array.sh"): {
        9: "%A_%a",
        32: "params.txt",
        39: "train_one.py",
        40: "SLURM_ARRAY_TASK_ID",
    },
    ("dependencies.md", "/code/slurm/scikit_example/submit_pipeline.sh"): {
        23: "wc -l",
        32: "--parsable",
        33: "%%;*",
        39: "preprocess_id",
        40: "cp params.txt",
        42: "afterok",
        43: "array.sh",
        46: "afterok",
        47: "collect.sh",
    },
}


def expand(spec: str) -> list[int]:
    numbers = []
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        numbers += range(int(first), int(last or first) + 1)
    return numbers


@pytest.mark.parametrize("page", sorted({page for page, _ in HIGHLIGHTS}))
def test_highlighted_lines(page):
    text = (CONTENT / page).read_text(encoding="utf-8")
    found = {}
    for path, spec in re.findall(
        r"```\{literalinclude\} (\S+)\n(?::[^\n]*\n)*?:emphasize-lines: ([^\n]+)", text
    ):
        found[(page, path)] = expand(spec)
    expected = {key: sorted(lines) for key, lines in HIGHLIGHTS.items() if key[0] == page}
    assert found == expected
    for (_, path), numbers in expected.items():
        source = (ROOT / path.lstrip("/")).read_text(encoding="utf-8").splitlines()
        for number in numbers:
            word = HIGHLIGHTS[(page, path)][number]
            assert word in source[number - 1], f"{path}:{number} no longer holds {word!r}"


def test_exercise_page_describes_the_data():
    """The page's counts of cities and countries are those of cities.csv."""
    rows = (ROOT / "exercises/parallel-1/cities.csv").read_text(encoding="utf-8").splitlines()[1:]
    countries = {row.split(",")[1] for row in rows}
    text = (CONTENT / "exercise-parallel-1.md").read_text(encoding="utf-8")
    assert f"({len(rows)} cities in {len(countries)} countries" in text
