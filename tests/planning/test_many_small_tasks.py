"""content/many-small-tasks.md and code/snakemake/many_small_tasks/: every command the page tells
learners to type (but the group jobs on Slurm: test_group_jobs.py), as the page shows it and in page
order; the merged rule, the overhead measurement's input checks, and the generator that turns the
recorded measurement into the page's table.
"""

from __future__ import annotations

import json
import pathlib

import pytest
import yaml

from lessontest.generators import planning_overhead as generator
from lessontest.pages import command, command_lines
from lessontest.paths import ROOT
from lessontest.shell import assert_one_error_line, python, run
from lessontest.snakemake import finished_jobs, job_counts
from lessontest.tree import copy_code

PAGE = "many-small-tasks.md"
SNAKEFILE = "snakemake/many_small_tasks/Snakefile"
MEASURE = "code/snakemake/many_small_tasks/measure_overhead.py"
RECORD = "bench/results/overhead_local.json"


def run_block(code, name):
    """The page's block `name`, run from `code`: (stdout, all output)."""
    return run_text(code, command(PAGE, name))


def run_text(code, text):
    proc = run(text, code)
    return proc.stdout, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """The page's blocks that need no cluster, once each, in page order, in one copy of the tree.
    Outputs by name."""
    code = copy_code(tmp_path_factory.mktemp("many_small_tasks"))
    out = {"code": code}
    out["measure"] = run_block(code, "many-small-tasks-measure-overhead")
    out["group_dry_run"] = run_block(code, "many-small-tasks-group-dry-run")
    out["group_run"] = run_block(code, "many-small-tasks-run")
    out["many_clean"] = run_block(code, "many-small-tasks-clean")
    # many-small-tasks-slurm-array needs a Slurm cluster: test_the_array_submission_on_slurm runs
    # it; here its Snakemake line plans the jobs (--dry-run added), after the local run and the
    # clean.
    slurm = command_lines(PAGE, "many-small-tasks-slurm-array")[0]
    out["many_slurm_dry_run"] = run_text(code, f"{slurm} --dry-run")
    return out


def test_the_merged_job_gives_the_same_sum_as_the_tiny_jobs(tmp_path):
    code = copy_code(tmp_path)
    targets = [
        "results/many_small_tasks/sum_of_squares.txt",
        "results/many_small_tasks/merged/sum_of_squares.txt",
    ]
    proc = run(
        ["snakemake", "--snakefile", SNAKEFILE, "--cores", "2", *targets, "--config", "n_items=5"],
        code,
    )
    ran = finished_jobs(proc.stdout + proc.stderr)
    assert ran == {"square": 5, "sum_of_squares": 1, "sum_of_squares_merged": 1}, ran
    assert [(code / t).read_text() for t in targets] == ["55\n", "55\n"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--items", "1"], "--items must be between 2 and 500, got 1"),
        (["--repeats", "0"], "--repeats must be between 1 and 20, got 0"),
        (["--items", "many"], "argument --items: invalid int value: 'many'"),
    ],
)
def test_measure_overhead_rejects_bad_options_on_one_line(tmp_path, args, message):
    out = tmp_path / "o.json"
    proc = python(ROOT / MEASURE, *args, "--output", out, cwd=tmp_path, check=False, timeout=60)
    assert_one_error_line(proc, message)
    assert not out.exists()


def test_the_recorded_measurement_is_complete():
    record = json.loads((ROOT / RECORD).read_text())
    medians = record["median_seconds"]
    assert record["items"] >= 2 and record["repeats"] >= 1
    for way in ("one_job_per_item", "one_merged_job"):
        assert len(record["seconds"][way]) == record["repeats"]
        assert (
            medians[way] == sorted(record["seconds"][way])[(record["repeats"] - 1) // 2]
            or record["repeats"] % 2 == 0
        )
    expected = round((medians["one_job_per_item"] - medians["one_merged_job"]) / record["items"], 3)
    assert record["per_extra_job_seconds"] == expected


def test_the_generator_writes_the_table_from_the_record(tmp_path):
    record = json.loads((ROOT / RECORD).read_text())
    (tmp_path / pathlib.Path(RECORD).parent).mkdir(parents=True)
    (tmp_path / RECORD).write_text(json.dumps(record))
    (tmp_path / "_generated").mkdir()
    generator.generate(tmp_path)
    table = (tmp_path / generator.OUTPUTS[0]).read_text()
    assert (
        f"| {record['items'] + 1} | {record['median_seconds']['one_job_per_item']:.2f} |" in table
    )
    assert f"| 1 | {record['median_seconds']['one_merged_job']:.2f} |" in table
    assert f"**{record['per_extra_job_seconds']:.2f} s**" in table
    assert f"Snakemake {record['snakemake_version']}" in table


def test_the_generator_refuses_an_incomplete_record():
    with pytest.raises(ValueError, match="lacks per_extra_job_seconds"):
        generator.table(
            {
                "items": 3,
                "repeats": 1,
                "median_seconds": {},
                "snakemake_version": "x",
                "cpus": 2,
                "load_average_1min_after": 0.5,
            }
        )


def test_the_slurm_table_comes_from_the_benchmark_record():
    report = {
        "date": "2026-01-02T03:04:05Z",
        "tasks": ["1 euclidean", "1 manhattan"],
        "machine": {"slurm_nodes": "2 nodes of 2 CPUs, 1000 MB"},
        "workloads": [
            {"cv_repeats": 200, "runs": {"serial": {"seconds": 80.0}}},
            {
                "cv_repeats": 1,
                "runs": {
                    "snakemake_slurm_tuned": {"seconds": 30.0},
                    "array": {"seconds": 6.0},
                    "serial": {"seconds": 4.0},
                },
            },
        ],
    }
    table = generator.slurm_table(report)
    assert "| one batch job runs every task, one after another | 4.0 | 1.0 x |" in table
    assert "| an array job, one task per combination | 6.0 | 1.5 x |" in table
    assert "| Snakemake on Slurm, status checked every second | 30.0 | 7.5 x |" in table
    rows = [line for line in table.splitlines() if line.startswith("| ") and "x |" in line]
    assert [row.split(" | ")[0] for row in rows] == [
        "| one batch job runs every task, one after another",
        "| an array job, one task per combination",
        "| Snakemake on Slurm, status checked every second",
    ]
    assert "2 training tasks" in table and "`--cv-repeats 1`" in table and "2026-01-02" in table
    assert "practice cluster (2 nodes of 2 CPUs, 1000 MB)" in table
    # A record from before the cluster had several nodes names its one node.
    report["machine"] = {"slurm_node": "2 CPUs, 1000 MB"}
    assert "practice cluster (single node, 2 CPUs, 1000 MB)" in generator.slurm_table(report)
    with pytest.raises(ValueError, match="does not have the expected layout"):
        generator.slurm_table({"workloads": []})


def test_the_generator_says_so_when_no_benchmark_was_recorded(tmp_path):
    (tmp_path / pathlib.Path(RECORD).parent).mkdir(parents=True)
    (tmp_path / RECORD).write_text((ROOT / RECORD).read_text())
    (tmp_path / "_generated").mkdir()
    generator.generate(tmp_path)
    assert "has not been recorded" in (tmp_path / generator.OUTPUTS[1]).read_text()
    bench = ROOT / "bench" / "results" / "slurm_speedup.json"
    if bench.exists():  # the real record, when `make bench` has been run: it must parse
        generator.slurm_table(json.loads(bench.read_text()))


def test_the_array_profile_submits_square_jobs_as_an_array():
    profile = yaml.safe_load(
        (ROOT / "code/snakemake/many_small_tasks/profiles/slurm-array/config.yaml").read_text()
    )
    assert profile["executor"] == "slurm"
    assert profile["slurm-array-jobs"] == "square"
    assert profile["default-resources"]["cpus_per_task"] == 1
    # no partition: the jobs go to the cluster's default one (site-specific settings stay out)
    assert "slurm_partition" not in profile["default-resources"]
    # the gather rule runs where Snakemake runs, not as a Slurm job
    snakefile = (ROOT / "code/snakemake/many_small_tasks/Snakefile").read_text()
    assert "localrules:\n    all,\n    sum_of_squares,\n" in snakefile


def test_measuring_the_overhead_writes_a_record(outputs):
    record = json.loads((outputs["code"] / "overhead_mine.json").read_text())
    assert record["items"] == 4 and record["repeats"] == 1
    assert len(record["seconds"]["one_job_per_item"]) == 1
    assert "per extra job" in outputs["measure"][0]


def test_grouping_dry_run_shows_four_groups_of_six(outputs):
    text = outputs["group_dry_run"][1]
    groups = text.split("Group job batch")[1:]
    assert len(groups) == 4, text
    for group in groups:
        assert group.count("rule square:") == 6, group
    assert job_counts(text) == {"square": 24, "sum_of_squares": 1, "all": 1}


def test_the_local_run_of_many_small_tasks_adds_the_squares(outputs):
    stdout, text = outputs["group_run"]
    assert finished_jobs(text) == {"square": 24, "sum_of_squares": 1, "all": 1}
    assert stdout.strip() == str(sum(i * i for i in range(1, 25)))


def test_after_the_local_run_the_clean_block_leaves_the_array_jobs_to_do(outputs):
    """The local run made every square; without the clean block the Slurm block submits none."""
    made = outputs["code"] / "results" / "many_small_tasks"
    assert not (made / "sum_of_squares.txt").exists()
    assert not list((made / "squares").glob("*.txt"))
    text = outputs["many_slurm_dry_run"][1]
    assert job_counts(text) == {"square": 6, "sum_of_squares": 1, "all": 1}, text
    assert "slurm_partition" not in text and "slurm_account" not in text


@pytest.mark.slurm
def test_the_array_submission_on_slurm(tmp_path):
    """The page's Slurm block after its local run and the clean, as a learner types them: the six
    square jobs go to Slurm as one array."""
    code = copy_code(tmp_path)
    for name in ("many-small-tasks-run", "many-small-tasks-clean"):
        run_block(code, name)
    stdout, text = run_block(code, "many-small-tasks-slurm-array")
    assert "Submitted array job with Snakemake IDs" in text, text
    assert "The individual task IDs are 1-6" in text, text
    assert finished_jobs(text) == {"square": 6, "sum_of_squares": 1, "all": 1}, text
    assert stdout.strip().splitlines()[-1] == str(sum(i * i for i in range(1, 7)))
