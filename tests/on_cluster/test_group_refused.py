"""content/many-small-tasks.md's group that is too big for a node, on a site that refuses such a
job at submission (the strict practice cluster: EnforcePartLimits=ALL): Snakemake stops at once
with the lines the page shows (bench/results/group_jobs_strict.json, `make bench-groups STRICT=1`).
"""

from __future__ import annotations

import json

import pytest

from lessontest import group_jobs
from lessontest.paths import ROOT
from lessontest.tree import copy_code

pytestmark = [pytest.mark.slurm, pytest.mark.strict]

RECORD = json.loads((ROOT / group_jobs.STRICT_OUTPUT).read_text(encoding="utf-8"))["refused"]


def check_refused(case: dict) -> None:
    """Nothing was submitted, Snakemake failed, and it named the group that failed."""
    assert case["submitted"] == [], case
    assert case["exit_code"] != 0, case
    assert "Error in group batch" in case["said"], case["said"]


def test_the_record_says_what_the_page_says():
    check_refused(RECORD)


def test_a_group_too_big_for_a_node_is_refused_at_once(tmp_path):
    live = group_jobs.refused(copy_code(tmp_path), timeout=120)
    check_refused(live)
    assert live["said"] == RECORD["said"], live["output"]
