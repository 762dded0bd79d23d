"""content/instructor-guide.md's "Preparing the cluster" on the strict practice cluster, with the
lesson made for sites/practice-strict.yaml (make test-strict-site): the site check passes, and
each wrong setting is one problem line and exit status 1.

The outputs the page shows are recorded there (`LESSON_SITE=practice-strict make record
PAGES=instructor-guide.md` on `make cluster-up STRICT=1`); a fresh run must have their shape.
"""

from __future__ import annotations

import pytest

from lessontest import recording
from lessontest.generators import site_files
from lessontest.paths import ROOT

pytestmark = [pytest.mark.slurm, pytest.mark.strict]

PAGE = "instructor-guide.md"
SITE = site_files.load(ROOT, site_files.STRICT)

ran = recording.page_session(PAGE, timeout=300)


def test_every_block_succeeded_and_shows_the_recorded_shape(ran):
    recording.assert_as_recorded(PAGE, ran)


def test_the_strict_sites_settings_pass_the_check(ran):
    lines = ran["instructor-site-check"].stdout.splitlines()
    assert lines[-1] == "The lesson's jobs fit this cluster."
    assert not [line for line in lines if line.startswith("problem:")]
    slurm = SITE["slurm"]
    for checked in (
        f"account {slurm['account']}",
        f"partition {slurm['partition']}",
        f"QOS {slurm['qos']}",
        f"reservation {slurm['reservation']}",
    ):
        assert any(line.startswith(f"ok: {checked}") for line in lines), lines


def test_each_wrong_setting_is_one_line_and_exit_status_1(ran):
    # The page's three wrong settings; the short partition is the strict cluster's own.
    short = SITE["practice_cluster"]["short_partition"]
    limit = SITE["practice_cluster"]["short_max_time"]
    partitions = f"{short}, {SITE['slurm']['partition']}"
    expected = {
        "SBATCH_ACCOUNT=proj-other": "account 'proj-other' is not one of yours (",
        "SBATCH_PARTITION=gpu": f"partition 'gpu' does not exist (partitions: {partitions})",
        f"SBATCH_PARTITION={short}": f"but partition '{short}' allows {limit}",
    }
    runs = ran["instructor-site-check-wrong"].stdout.split("--- with ")[1:]
    assert len(runs) == len(expected)
    for text in runs:
        setting, *lines = text.splitlines()
        problems = [line for line in lines if line.startswith("problem: ")]
        assert len(problems) == 1, text
        assert expected[setting] in problems[0], text
        assert lines[-1] == "exit status: 1", text
