"""check_site.py against FAKE sinfo, sacctmgr and scontrol (no cluster needed): every problem it
knows, one at a time, is one line, and the exit status says whether a lesson job would be refused.

The fakes answer what a test gives them, as the real commands print it. The same script runs
against real clusters in tests/cluster/test_site_check.py (the practice site) and
tests/strict_site/ (the strict one, with the three problems the instructor guide shows).
"""

from __future__ import annotations

import json
import sys

import pytest

from lessontest.shell import assert_one_error_line, learner_env, run
from lessontest.tree import copy_code

SCRIPT = "python/scikit_example/check_site.py"

# One script, installed as sinfo, sacctmgr and scontrol: it prints the answer the test stored for
# its name and its first arguments, or fails as the real command would.
FAKE = r"""#!{python} -SI
import json, os, sys
name = os.path.basename(sys.argv[0])
answers = json.load(open(os.environ["FAKE_SLURM_ANSWERS"]))
key = " ".join([name, *sys.argv[1:]])
for prefix, (status, text) in answers.items():
    if key.startswith(prefix):
        (sys.stdout if status == 0 else sys.stderr).write(text)
        sys.exit(status)
sys.exit(f"{{name}}: fake has no answer for {{key!r}}")
"""

ASSOC = "sacctmgr --noheader --parsable2 show assoc user=ada"
QOS = "sacctmgr --noheader --parsable2 show qos course"
SINFO = "sinfo --noheader --format=%P|%l"
RESERVATION = "scontrol show reservation knn-course"
CONFIG = "scontrol show config"

# A strict site where everything fits: the settings site.env gives, and what the cluster says.
GOOD_ENV = {
    "SBATCH_ACCOUNT": "proj-knn",
    "SBATCH_PARTITION": "compute",
    "SBATCH_QOS": "course",
    "SBATCH_RESERVATION": "knn-course",
    "LESSON_MAX_TIME": "1-00:00:00",
    "LESSON_MAX_ARRAY_SIZE": "1000",
    "LESSON_MAX_JOBS": "50",
}
GOOD = {
    ASSOC: (0, "proj-knn||course\n"),
    QOS: (0, "50\n"),
    SINFO: (0, "debug|10:00\ncompute|1-00:00:00\n"),
    RESERVATION: (
        0,
        "ReservationName=knn-course StartTime=2026-12-01T00:00:00 EndTime=2027-12-01T00:00:00\n"
        "   Nodes=c[1-2] NodeCnt=2 Users=root,ada Groups=(null) Accounts=(null)\n",
    ),
    CONFIG: (0, "MaxArraySize            = 1001\nMaxJobCount             = 10000\n"),
}


@pytest.fixture
def check(tmp_path):
    """check(answers, env) runs the script from a copy of code/ with the fakes first on PATH."""
    code = copy_code(tmp_path)
    fakes = tmp_path / "fake-bin"
    fakes.mkdir()
    for name in ("sinfo", "sacctmgr", "scontrol"):
        (fakes / name).write_text(FAKE.format(python=sys.executable))
        (fakes / name).chmod(0o755)
    answers_file = tmp_path / "answers.json"

    def run_check(answers: dict, env: dict[str, str]):
        answers_file.write_text(json.dumps(answers))
        extra = {"USER": "ada", "FAKE_SLURM_ANSWERS": str(answers_file), **env}
        return run(["python", SCRIPT], code, env=learner_env(extra, [fakes]), check=False)

    return run_check


def problems(proc) -> list[str]:
    return [line for line in proc.stdout.splitlines() if line.startswith("problem: ")]


def test_a_site_that_fits_passes(check):
    proc = check(GOOD, GOOD_ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[-1] == "The lesson's jobs fit this cluster."
    assert not problems(proc)


@pytest.mark.parametrize(
    ("answers", "env", "expected"),
    [
        ({ASSOC: (0, "")}, {}, "user ada has no Slurm account here"),
        ({}, {"SBATCH_ACCOUNT": "proj-other"}, "account 'proj-other' is not one of yours"),
        ({}, {"SBATCH_PARTITION": "gpu"}, "partition 'gpu' does not exist"),
        ({}, {"SBATCH_PARTITION": "debug"}, "but partition 'debug' allows 00:10:00"),
        (
            {SINFO: (0, "debug|10:00\ncompute|02:00:00\n")},
            {},
            "promises jobs of up to 1-00:00:00, but partition 'compute' allows 02:00:00",
        ),
        ({}, {"SBATCH_PARTITION": ""}, "no partition is set and the cluster has no default"),
        (
            {ASSOC: (0, "proj-knn|debug|course\n")},
            {},
            "your account may only use partitions debug, not 'compute'",
        ),
        ({}, {"SBATCH_QOS": "gold"}, "QOS 'gold' is not allowed for your account"),
        ({RESERVATION: (1, "Reservation knn-course not found\n")}, {}, "does not exist"),
        (
            {RESERVATION: (0, "ReservationName=knn-course Users=bob Accounts=(null)\n")},
            {},
            "reservation 'knn-course' is not for user ada",
        ),
        ({CONFIG: (0, "MaxArraySize = 20\n")}, {}, "the lesson's array has 35 tasks"),
        ({CONFIG: (0, "MaxArraySize = 500\n")}, {}, "promises arrays of 1000 tasks"),
        ({QOS: (0, "20\n")}, {}, "lets you queue 20 jobs, but the lesson's array pipeline"),
        ({QOS: (0, "40\n")}, {}, "promises 50 jobs in the queue, but QOS 'course' allows 40"),
    ],
)
def test_each_problem_is_one_line_and_exit_status_1(check, answers, env, expected):
    proc = check({**GOOD, **answers}, {**GOOD_ENV, **env})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    found = problems(proc)
    assert len(found) == 1 and expected in found[0], proc.stdout
    assert proc.stdout.splitlines()[-1] == (
        "1 problem(s): fix the export lines of site.env, source it again, then run this check again"
    )
    assert not proc.stderr


def test_the_practice_cluster_needs_no_setting(check):
    """No settings: the default partition (no time limit) and the default account."""
    answers = {**GOOD, SINFO: (0, "lesson*|infinite\n"), ASSOC: (0, "lesson||normal\n")}
    proc = check(answers, {"LESSON_MAX_ARRAY_SIZE": "1000"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok: partition lesson, time limit no limit" in proc.stdout.splitlines()


def test_without_accounting_the_rest_is_still_checked(check):
    answers = {**GOOD, ASSOC: (1, "sacctmgr: error: slurmdbd: not running\n")}
    answers[QOS] = answers[ASSOC]
    proc = check(answers, GOOD_ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("note: accounts and QOS not checked: ")
    assert "ok: partition compute, time limit 1-00:00:00" in proc.stdout


def test_a_failing_slurm_command_is_one_error_line(check):
    proc = check(
        {**GOOD, SINFO: (1, "slurm_load_partitions: Unable to contact slurm controller\n")},
        GOOD_ENV,
    )
    assert_one_error_line(proc, "check_site.py: error:", "sinfo", "Unable to contact")


def test_a_malformed_limit_in_site_env_is_one_error_line(check):
    proc = check(GOOD, {**GOOD_ENV, "LESSON_MAX_JOBS": "fifty"})
    assert_one_error_line(proc, "LESSON_MAX_JOBS='fifty' is not a whole number")
