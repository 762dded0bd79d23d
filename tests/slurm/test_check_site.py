"""check_site.py against FAKE sinfo, sacctmgr and scontrol (no cluster needed): every problem it
knows, one at a time, is one line, and the exit status says whether a lesson job would be refused.

The fakes answer what a test gives them, as the real commands print it (the first stored command
that the call starts with answers). Each problem line says what to change in the file a learner
has, site.env, naming its variable, or whom to ask. The same script runs
against real clusters in tests/on_cluster/test_site_check.py (the practice site) and
tests/on_cluster/test_instructor_guide.py (the strict one, with the three problems the
instructor guide shows).
"""

from __future__ import annotations

import json
import re
import sys

import pytest
import yaml

from lessontest.paths import ROOT
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
QOS = "sacctmgr --noheader --parsable2 show qos"
SINFO = "sinfo --noheader --format=%P|%l"
PARTITION = "scontrol show partition"
RESERVATION = "scontrol show reservation knn-course"
CONFIG = "scontrol show config"
# What scontrol show partition says of a partition with no QOS of its own that allows every QOS.
ANY_QOS = "PartitionName=compute\n   AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL\n   QoS=N/A\n"

# A made-up strict site where everything fits: the settings site.env gives, and what the cluster
# says (the fakes' own values; the strict practice cluster's are in sites/practice-strict.yaml).
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
    # account|partition|qos|defaultqos|maxjobs|maxsubmit
    ASSOC: (0, "proj-knn||course|course||\n"),
    # name|maxsubmitpu|maxjobspu
    QOS: (0, "course|50|\n"),
    SINFO: (0, "debug|10:00\ncompute|1-00:00:00\n"),
    PARTITION: (0, ANY_QOS),
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


# The ways a problem line may end: the variables of site.env to set, or whom to ask.
FIX = re.compile(
    r": (in site\.env, set (SBATCH_(\w+), SALLOC_\3 and SLURM_\3|LESSON_MAX_\w+) to .+"
    r"|ask the (cluster's support team|administrators)\b.*)$"
)


def assert_says_what_to_change(problem: str) -> None:
    """The learner's download has no site file, only site.env: a problem names what to change
    there (all three export lines of a Slurm setting), or says that only the cluster's people can
    help."""
    assert "site file" not in problem, problem
    assert FIX.search(problem), problem


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
            {ASSOC: (0, "proj-knn|debug|course|course||\n")},
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
        ({QOS: (0, "course|20|\n")}, {}, "lets you queue 20 jobs, but the lesson's array pipeline"),
        (
            {QOS: (0, "course|40|\n")},
            {},
            "promises 50 jobs in the queue, but QOS 'course' allows 40",
        ),
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
    assert_says_what_to_change(found[0])


def test_the_practice_cluster_needs_no_setting(check):
    """No settings: the default partition (no time limit) and the default account."""
    answers = {
        **GOOD,
        SINFO: (0, "lesson*|infinite\n"),
        ASSOC: (0, "lesson||normal|||\n"),
        QOS: (0, "normal||\n"),
    }
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


def without(key: str, **extra) -> dict:
    """GOOD's answers without `key` (so that a more precise command answers instead), plus
    `extra`'s, given as {command: answer}."""
    return {k: v for k, v in GOOD.items() if k != key} | extra.get("answers", {})


def test_the_qos_checked_is_the_associations_whatever_its_name(check):
    """No QOS called 'normal' is assumed: without SBATCH_QOS a job gets its association's default
    QOS, here 'silver', and the fake answers only for that one."""
    answers = without(
        QOS,
        answers={
            ASSOC: (0, "proj-knn||gold,silver|silver||\n"),
            f"{QOS} name=silver format=": (0, "silver|20|\n"),
        },
    )
    proc = check(answers, {**GOOD_ENV, "SBATCH_QOS": ""})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert problems(proc) == [
        "problem: QOS 'silver' lets you queue 20 jobs, but the lesson's array pipeline queues 37 "
        "at once: ask the cluster's support team for more, or in site.env, set SBATCH_QOS, "
        "SALLOC_QOS and SLURM_QOS to one that allows more"
    ]


def test_without_a_default_qos_every_qos_of_the_association_counts(check):
    answers = without(
        QOS,
        answers={
            ASSOC: (0, "proj-knn||gold,silver|||\n"),
            f"{QOS} name=gold,silver format=": (0, "gold|100|\nsilver|60|\n"),
        },
    )
    proc = check(answers, {**GOOD_ENV, "SBATCH_QOS": "", "LESSON_MAX_JOBS": "60"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok: up to 60 jobs in the queue" in proc.stdout.splitlines()


def test_the_partitions_own_qos_counts_too(check):
    answers = without(
        QOS,
        answers={
            PARTITION: (0, ANY_QOS.replace("QoS=N/A", "QoS=part-limit")),
            f"{QOS} name=course,part-limit format=": (0, "course|50|\npart-limit|30|\n"),
        },
    )
    proc = check(answers, GOOD_ENV)
    assert problems(proc) == [
        "problem: QOS 'part-limit' of partition 'compute' lets you queue 30 jobs, but the "
        "lesson's array pipeline queues 37 at once: ask the cluster's support team for more, or "
        "in site.env, set SBATCH_PARTITION, SALLOC_PARTITION and SLURM_PARTITION to one that "
        "allows more"
    ]


def test_a_qos_the_partition_does_not_allow(check):
    answers = {**GOOD, PARTITION: (0, ANY_QOS.replace("AllowQos=ALL", "AllowQos=long,gpu"))}
    proc = check(answers, GOOD_ENV)
    assert problems(proc) == [
        "problem: partition 'compute' does not allow QOS 'course' (it allows long, gpu): in "
        "site.env, set SBATCH_QOS, SALLOC_QOS and SLURM_QOS to one of them"
    ]


@pytest.mark.parametrize(
    ("assoc", "expected"),
    [
        (
            "proj-knn||course|course||20",
            "problem: account 'proj-knn' lets you queue 20 jobs, but the lesson's array pipeline "
            "queues 37 at once: ask the cluster's support team for more, or in site.env, set "
            "SBATCH_ACCOUNT, SALLOC_ACCOUNT and SLURM_ACCOUNT to one that allows more",
        ),
        (
            "proj-knn||course|course||40",
            "problem: site.env promises 50 jobs in the queue, but account 'proj-knn' allows 40: "
            "in site.env, set LESSON_MAX_JOBS to 40",
        ),
        (
            "proj-knn||course|course|0|",
            "problem: account 'proj-knn' lets none of your jobs run: ask the cluster's support "
            "team, or in site.env, set SBATCH_ACCOUNT, SALLOC_ACCOUNT and SLURM_ACCOUNT to "
            "another one",
        ),
    ],
)
def test_the_associations_max_submit_and_max_jobs(check, assoc, expected):
    """MaxSubmit counts every job queued or running (each array task is one), MaxJobs those
    running: the association's own limits, beside its QOS's."""
    proc = check({**GOOD, ASSOC: (0, assoc + "\n")}, GOOD_ENV)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert problems(proc) == [expected]
    assert_says_what_to_change(expected)


def test_max_jobs_that_let_jobs_run_is_no_problem(check):
    proc = check({**GOOD, ASSOC: (0, "proj-knn||course|course|4|2000\n")}, GOOD_ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert "ok: up to 4 of your jobs run at once (account 'proj-knn')" in lines
    # The strictest limit on the queue is the QOS's 50, not the account's 2000.
    assert "ok: up to 50 jobs in the queue" in lines


def test_limits_of_associations_for_other_partitions_do_not_count(check):
    assoc = "proj-knn||course|course||\nproj-knn|debug|course|course||5\n"
    proc = check({**GOOD, ASSOC: (0, assoc)}, GOOD_ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("max_array_size", "promised", "expected"),
    [
        # MaxArraySize is the most tasks per array (indices 0 to MaxArraySize - 1): 35 hold the
        # lesson's 35 tasks, 34 do not.
        ("35", "35", None),
        ("34", "", "the lesson's array has 35 tasks, but this cluster's arrays hold at most 34"),
        # site.env's LESSON_MAX_ARRAY_SIZE means the same: MaxArraySize itself, not one less.
        ("1001", "1001", None),
        (
            "1001",
            "1002",
            "site.env promises arrays of 1002 tasks, but MaxArraySize allows 1001 (indices 0 to "
            "1000): in site.env, set LESSON_MAX_ARRAY_SIZE to 1001",
        ),
    ],
)
def test_the_array_limit_has_one_meaning(check, max_array_size, promised, expected):
    answers = {**GOOD, CONFIG: (0, f"MaxArraySize            = {max_array_size}\n")}
    proc = check(answers, {**GOOD_ENV, "LESSON_MAX_ARRAY_SIZE": promised})
    if expected is None:
        assert proc.returncode == 0, proc.stdout + proc.stderr
        most = int(max_array_size)
        assert f"ok: arrays of up to {most} tasks (indices 0 to {most - 1})" in proc.stdout
    else:
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert len(problems(proc)) == 1 and expected in problems(proc)[0], proc.stdout


def test_the_site_files_promise_what_their_clusters_allow():
    """The practice clusters run with Slurm's default MaxArraySize, 1001 (tests/on_cluster/
    test_slurm_facts.py): their site files promise exactly that, in the same meaning."""
    for name in ("practice", "practice-strict"):
        site = yaml.safe_load((ROOT / "sites" / f"{name}.yaml").read_text())
        assert site["limits"]["max_array_size"] == 1001, name
