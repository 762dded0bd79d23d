"""failed_tasks.py and notice.sh against a FAKE sacct (no cluster needed).

The fake prints the lines a test gives it, as `sacct -n -P --format=JobID,State -X` prints them,
and records its arguments. The same scripts run against a real Slurm in
tests/on_cluster/test_failure_drills.py, where (Slurm 22.05) a task cancelled before it started
has no line; other versions give such tasks one bracketed line, such as 48_[4-7]|CANCELLED by 0.
"""

from __future__ import annotations

import pytest

from lessontest.shell import assert_one_error_line, learner_env, run

SCRIPT = "python/scikit_example/failed_tasks.py"
NOTICE = "slurm/scikit_example/notice.sh"

FAKE_SACCT = """#!/bin/bash
printf '%s\\n' "$*" >> "$FAKE_SACCT_ARGS"
cat "$FAKE_SACCT_LINES"
if [ -n "${FAKE_SACCT_ERROR:-}" ]; then
    echo "$FAKE_SACCT_ERROR" >&2
    exit 1
fi
"""


@pytest.fixture
def sacct(tmp_path):
    """set(lines, error="") makes the fake sacct print `lines` (or fail with `error`); env() is a
    learner's environment with the fake first on PATH; calls() what it was called with."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    (bin_dir / "sacct").write_text(FAKE_SACCT)
    (bin_dir / "sacct").chmod(0o755)
    lines, args = tmp_path / "sacct-lines", tmp_path / "sacct-args"

    class Fake:
        error = ""

        @staticmethod
        def set(text: str, error: str = "") -> None:
            lines.write_text(text)
            Fake.error = error

        @staticmethod
        def env() -> dict[str, str]:
            extra = {"FAKE_SACCT_LINES": str(lines), "FAKE_SACCT_ARGS": str(args)}
            return learner_env({**extra, "FAKE_SACCT_ERROR": Fake.error}, [bin_dir])

        @staticmethod
        def calls() -> list[str]:
            return args.read_text().splitlines() if args.exists() else []

    return Fake


def failed(sacct, code_copy, *args):
    return run(["python", SCRIPT, *args], code_copy, env=sacct.env(), check=False)


def test_lists_every_task_that_did_not_complete_in_submitted_order(sacct, code_copy):
    # Task 3 was cancelled before it started: no line at all. Task 5: cancelled while running.
    sacct.set(
        "40_0|COMPLETED\n40_1|OUT_OF_MEMORY\n40_2|COMPLETED\n40_4|TIMEOUT\n"
        "40_5|CANCELLED by 0\n40_6|COMPLETED\n40_7|NODE_FAIL\n"
    )
    proc = failed(sacct, code_copy, "--job", "40", "--array", "0-7")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert proc.stdout == "1,3,4,5,7\n"
    assert sacct.calls() == ["-j 40 -X -n -P --format=JobID,State"]


def test_prints_nothing_when_every_task_completed(sacct, code_copy):
    sacct.set("41_3|COMPLETED\n41_17|COMPLETED\n")
    proc = failed(sacct, code_copy, "--job", "41", "--array", "3,17")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_accepts_what_sbatch_array_accepts(sacct, code_copy):
    """Lists and ranges mixed, and a %N limit, which says nothing about the indices."""
    sacct.set("42_0|COMPLETED\n42_2|FAILED\n42_9|COMPLETED\n")
    proc = failed(sacct, code_copy, "--job", "42", "--array", "0-2,9%4")
    assert proc.stdout == "1,2\n"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # Tasks 4 to 7 cancelled before they started, as one line (Slurm versions other than
        # 22.05); they count as failed like tasks with no line.
        (
            "48_0|COMPLETED\n48_1|FAILED\n48_2|COMPLETED\n48_3|COMPLETED\n"
            "48_[4-7]|CANCELLED by 0\n",
            "1,4,5,6,7\n",
        ),
        # A list of ranges with the array's %N limit, as sacct keeps it.
        (
            "48_[0,2-3%2]|CANCELLED by 1000\n48_1|COMPLETED\n48_4|COMPLETED\n48_5|COMPLETED\n"
            "48_6|COMPLETED\n48_7|COMPLETED\n",
            "0,2,3\n",
        ),
        # One task alone in brackets.
        ("48_[7]|CANCELLED\n48_[0-6]|COMPLETED\n", "7\n"),
    ],
)
def test_reads_the_bracketed_lines_of_tasks_that_never_started(sacct, code_copy, lines, expected):
    sacct.set(lines)
    proc = failed(sacct, code_copy, "--job", "48", "--array", "0-7")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, expected, "")


@pytest.mark.parametrize(
    ("lines", "args", "words"),
    [
        ("43_0|COMPLETED\n43_[1-4]|PENDING\n", ["0-4"], ["43_[1-4] is PENDING", "wait"]),
        ("43_0|RUNNING\n", ["0"], ["43_0 is RUNNING", "squeue"]),
        ("43|COMPLETED\n", ["0"], ["not an array job"]),
        ("", ["0"], ["sacct knows no job 43"]),
        ("43_0|COMPLETED\n43_5|FAILED\n", ["0-3"], ["task 5", "'0-3'", "submitted with"]),
        ("43_0|COMPLETED\n", ["0-9:2"], ["--array '0-9:2'", "not supported"]),
        ("43_0|COMPLETED\n", ["5-2"], ["--array '5-2'"]),
        ("43_0|COMPLETED\n", ["all"], ["--array 'all'"]),
        ("43_[0-3]|PENDING\n", ["0-3"], ["43_[0-3] is PENDING", "wait"]),
        ("43_[0-6:2]|CANCELLED\n", ["0-6"], ["sacct's line 43_[0-6:2]", "not supported"]),
        ("43_[2-9]|CANCELLED\n", ["0-3"], ["task 4", "'0-3'", "submitted with"]),
        ("43_[]|CANCELLED\n", ["0"], ["not an array job"]),
    ],
)
def test_bad_input_is_one_line(sacct, code_copy, lines, args, words):
    sacct.set(lines)
    proc = failed(sacct, code_copy, "--job", "43", "--array", *args)
    assert_one_error_line(proc, "failed_tasks.py: error:", *words)
    assert proc.stdout == ""


def test_a_job_id_that_is_no_number_is_a_usage_error(sacct, code_copy):
    proc = failed(sacct, code_copy, "--job", "43_7", "--array", "0")
    assert_one_error_line(proc, "--job '43_7'", "job ID")
    assert proc.returncode == 2 and sacct.calls() == []


def test_a_failing_sacct_is_reported_with_its_own_words(sacct, code_copy):
    sacct.set("", error="sacct: error: Problem talking to the database")
    proc = failed(sacct, code_copy, "--job", "44", "--array", "0")
    assert_one_error_line(proc, "sacct failed: sacct: error: Problem talking to the database")


def test_without_sacct_it_says_where_to_run_it(code_copy, no_sbatch_env):
    proc = run(
        ["python", SCRIPT, "--job", "45", "--array", "0"], code_copy, env=no_sbatch_env, check=False
    )
    assert_one_error_line(proc, "sacct not found", "login node")


# --- notice.sh ----------------------------------------------------------------------------------


def test_notice_names_the_failed_tasks_and_the_command_that_reruns_them(sacct, code_copy):
    sacct.set("46_0|COMPLETED\n46_1|OUT_OF_MEMORY\n46_3|COMPLETED\n")
    proc = run(["bash", NOTICE, "46", "0-3", "params-45.txt"], code_copy, env=sacct.env())
    assert proc.stdout.splitlines() == [
        "array job 46: tasks 1,2 did not complete",
        "run only them again with:",
        "  sbatch --array=1,2 slurm/scikit_example/array.sh params-45.txt",
    ]


def test_notice_without_the_arrays_indices_is_one_line(sacct, code_copy):
    proc = run(["bash", NOTICE, "46"], code_copy, env=sacct.env(), check=False)
    assert_one_error_line(proc, "error: expected the array's job ID and indices")
    assert proc.stdout == ""


def test_notice_passes_on_a_failure_of_failed_tasks(sacct, code_copy):
    sacct.set("47_0|RUNNING\n")
    proc = run(["bash", NOTICE, "47", "0"], code_copy, env=sacct.env(), check=False)
    assert_one_error_line(proc, "47_0 is RUNNING")
    assert proc.stdout == ""
