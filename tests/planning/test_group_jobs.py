"""The group jobs of content/many-small-tasks.md ("Grouping jobs"): a group too big for the
practice cluster's node, and the same group capped with --cores so that it fits.

The Slurm tests run the page's blocks through lessontest/group_jobs.py, the script that records what
the page shows (bench/results/group_jobs.json), and check that the cluster still answers what the
record says. The other tests check the record, the generator that turns it into the page's
output, and the profile.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from lessontest import group_jobs
from lessontest.generators import planning_groups as generator
from lessontest.paths import ROOT
from lessontest.shell import run
from lessontest.tree import copy_code

RECORD = json.loads((ROOT / generator.RECORD).read_text(encoding="utf-8"))
PROFILE = yaml.safe_load(
    (ROOT / "code/snakemake/many_small_tasks/profiles/slurm-group/config.yaml").read_text()
)
ITEMS = 6  # the page's --config n_items=6, all in one group (--group-components batch=6)


def squeue_fields(case: dict) -> dict[str, str]:
    """squeue's one line about the too-big group job, by column."""
    header, line = case["squeue"].splitlines()
    return dict(zip(header.split(), line.split(), strict=True))


def sacct_fields(case: dict) -> dict[str, str]:
    """sacct's one line about the capped group job, by column."""
    header, _, line = case["sacct"].splitlines()
    return dict(zip(header.split(), line.split(), strict=True))


def check_too_big(case: dict) -> None:
    """What the page says about the uncapped group: six CPUs, pending for PartitionConfig, and
    cancelled by Snakemake on Ctrl-C."""
    fields = squeue_fields(case)
    assert fields["JOBID"] == case["job"]
    assert (fields["STATE"], fields["CPUS"], fields["REASON"]) == (
        "PENDING",
        str(ITEMS),
        "PartitionConfig",
    ), case["squeue"]
    assert case["state_after_ctrl_c"] == "CANCELLED"
    assert case["exit_code"] != 0


def check_fits(case: dict) -> None:
    """What the page says about the capped group: one Slurm job, two CPUs, the memory of two
    jobs and the run time of three layers, and the right sum."""
    assert len(case["jobs"]) == 1, case["jobs"]
    fields = sacct_fields(case)
    resources = PROFILE["default-resources"]
    assert fields["JobID"] == case["jobs"][0]
    assert fields["State"] == "COMPLETED"
    assert fields["AllocCPUS"] == "2"
    assert fields["ReqMem"] == f"{2 * resources['mem_mb']}M"
    assert fields["Timelimit"] == f"00:{ITEMS // 2 * resources['runtime']:02d}:00"
    assert case["sum"] == str(sum(i * i for i in range(1, ITEMS + 1)))


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """Both cases, as a learner who followed the page runs them: the local run before them left
    every output of the workflow behind, which the page's first block deletes."""
    code = copy_code(tmp_path_factory.mktemp("groups"))
    left = code / "results" / "many_small_tasks"
    (left / "squares").mkdir(parents=True)
    for item in range(1, 25):
        (left / "squares" / f"{item}.txt").write_text(f"{item * item}\n")
    (left / "sum_of_squares.txt").write_text("4900\n")
    return group_jobs.run_blocks(code)


@pytest.mark.slurm
def test_a_group_too_big_for_the_node_waits_until_cancelled(ran):
    check_too_big(ran["too_big"])
    assert squeue_fields(ran["too_big"])["CPUS"] == squeue_fields(RECORD["too_big"])["CPUS"]


@pytest.mark.slurm
def test_a_group_capped_by_cores_runs_in_one_job_that_fits(ran):
    check_fits(ran["fits"])
    live, recorded = sacct_fields(ran["fits"]), sacct_fields(RECORD["fits"])
    job = live["JobID"]
    for field in ("JobID", "Elapsed"):  # differ from run to run
        del live[field], recorded[field]
    assert live == recorded
    # Inside the group job, each square job still ran as a job step of its own (the page says
    # grouping saves submissions, not the work of starting each job).
    steps = run(
        ["sacct", "--noheader", "--parsable2", f"--jobs={job}", "--format=JobID"], ROOT
    ).stdout.split()
    assert len([step for step in steps if re.fullmatch(rf"{job}\.\d+", step)]) == ITEMS, steps


def test_the_record_says_what_the_page_says():
    check_too_big(RECORD["too_big"])
    check_fits(RECORD["fits"])
    assert RECORD["versions"]["snakemake"]


STRICT = json.loads((ROOT / generator.STRICT_RECORD).read_text(encoding="utf-8"))


def test_the_generator_writes_the_recorded_output(tmp_path):
    (tmp_path / generator.RECORD).parent.mkdir(parents=True)
    (tmp_path / generator.RECORD).write_text(json.dumps(RECORD))
    (tmp_path / generator.STRICT_RECORD).write_text(json.dumps(STRICT))
    (tmp_path / "_generated").mkdir()
    generator.generate(tmp_path)
    squeue, sacct, refused = ((tmp_path / name).read_text() for name in generator.OUTPUTS)
    assert squeue == RECORD["too_big"]["squeue"]
    assert sacct == RECORD["fits"]["sacct"]
    assert refused == STRICT["refused"]["said"]


def test_the_generator_refuses_a_record_without_job_lines():
    with pytest.raises(ValueError, match="expected layout"):
        generator.outputs({"fits": {}}, STRICT)
    header_only = {"too_big": {"squeue": "JOBID STATE\n"}, "fits": RECORD["fits"]}
    with pytest.raises(ValueError, match="the recorded squeue output has no job line"):
        generator.outputs(header_only, STRICT)
    with pytest.raises(ValueError, match="the recorded refusal output"):
        generator.outputs(RECORD, {"refused": {"said": ""}})


def test_the_group_profile_names_no_partition():
    assert PROFILE["executor"] == "slurm"
    assert "slurm_partition" not in PROFILE["default-resources"]
