"""The Snakemake workflows of code/snakemake/scikit_example/ (the three-rule one that
snakemake.md runs, and the grown one that snakemake-slurm.md runs on Slurm), run locally (no Slurm
needed).

Every command the two pages show is taken from the page by its name (lessontest.pages.command)
and run exactly as written, from a learner's copy of the code/ folder. snakemake.md's blocks run in
page order in a folder where the earlier chapters already ran (`in_page_order`), as a learner who
followed them has it; that run is made once per test run, and the state the optional tracks' pages
start from begins with it (lessontest.shared.after_core). The Slurm command is run here with
--dry-run added (which checks the profile and the paths); the tests marked `slurm` in
tests/on_cluster/ submit it to a real cluster. The grown Snakefile's own behaviour is checked on the
small grid (`full_small`).
"""

from __future__ import annotations

import json
import pathlib
import re
import shutil

import pytest
import yaml

from lessontest import figures
from lessontest.generators import snakemake_on_slurm
from lessontest.pages import command, command_lines, session_blocks
from lessontest.paths import CONTENT, ROOT
from lessontest.shared import (
    BEFORE_SNAKEMAKE,
    PRINTED,
    SMALL_GRID,
    after_snakemake_chapter,
    copy_state,
    serial_reference,
    shrink_grid,
)
from lessontest.shell import run
from lessontest.snakemake import finished_jobs, job_counts
from lessontest.tree import copy_code, example_grid, tree_bytes

PAGE = "snakemake.md"
SLURM_PAGE = "snakemake-slurm.md"
SNAKEFILE = "snakemake/scikit_example/Snakefile"
MINIMAL = "snakemake/scikit_example/minimal/Snakefile"
SLURM_PROFILE = "snakemake/scikit_example/profiles/slurm"
SCRIPTS = "python/scikit_example"


GRID = example_grid()  # (n_neighbors, metric, result name), from the example's own code


def output(proc) -> str:
    return proc.stdout + proc.stderr


def mtimes(folder: pathlib.Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def in_page_order(tmp_path_factory):
    """A learner's code/ folder after the earlier chapters, where the chapter's blocks then ran in
    page order: the serial run of preprocess-and-train.md's block, the summary of
    collecting-results.md, then snakemake.md's blocks, made once per test run for this suite and
    the pages after the core (lessontest.shared.after_snakemake_chapter). Here a copy of it (file
    times and .snakemake/ kept), what each step printed, and the files of the earlier chapters
    (the serial run's)."""
    made = after_snakemake_chapter(tmp_path_factory)
    printed = json.loads((made.parent / PRINTED).read_text(encoding="utf-8"))
    # The shared run ran the blocks as the pages show them now.
    for key, text in printed["ran"].items():
        assert text == command(*key.split("#")), key
    assert list(printed["blocks"]) == session_blocks(PAGE)
    before = made.parent / BEFORE_SNAKEMAKE
    blocks = printed["blocks"]
    return {
        "code": copy_state(made, tmp_path_factory.mktemp("snakemake") / "code"),
        "serial": tree_bytes(before / "results"),
        "data": tree_bytes(before / "data"),
        # The trap the chapter's first block avoids: in this folder there is nothing to do.
        "dry_run_before_clean": printed["dry run before clean"],
        "clean": blocks["snakemake-clean"],
        "dry_run": blocks["snakemake-dry-run"],
        "dry_run_changed": printed["dry run changed files"],
        "minimal_one": blocks["snakemake-minimal-one"],
        "run": blocks["snakemake-run"],
    }


@pytest.fixture(scope="module")
def finished(in_page_order):
    """The learner's code/ folder after the page's local run, and that run's output."""
    return in_page_order["code"], in_page_order["run"]


@pytest.fixture(scope="module")
def full_small(tmp_path_factory):
    """The grown Snakefile (the one snakemake-slurm.md shows and runs on Slurm) run locally over
    the SMALL_GRID in a fresh copy: the folder and Snakemake's output."""
    code = copy_code(tmp_path_factory.mktemp("full-small"))
    shrink_grid(code)
    proc = run(["snakemake", "--snakefile", SNAKEFILE, "--cores", "2"], code, timeout=900)
    return code, output(proc)


def small_grid_names() -> list[str]:
    return [f"knn_k{k:02d}_{metric}" for k in SMALL_GRID[0] for metric in SMALL_GRID[1]]


def test_after_the_earlier_chapters_the_clean_block_deletes_the_workflows_files(in_page_order):
    """Without the clean block, the chapter shows nothing: every file is already there."""
    assert "Nothing to be done" in in_page_order["dry_run_before_clean"]
    deleted = set(re.findall(r"^Deleting (\S+)$", in_page_order["clean"], re.M))
    expected = {f"results/{name}.{ext}" for _, _, name in GRID for ext in ("json", "png")}
    expected |= {"data/iris_split.json", "results/summary.csv", "results/summary.png"}
    assert deleted == expected


def test_dry_run_plans_every_job_and_changes_nothing(in_page_order):
    """The page: one preprocess, 35 train, one collect and all; the reason is the missing output."""
    out = in_page_order["dry_run"]
    assert job_counts(out) == {"preprocess": 1, "train": len(GRID), "collect": 1, "all": 1}
    assert len(GRID) == 35
    for _, _, name in GRID:
        assert f"output: results/{name}.json, results/{name}.png" in out
    assert "reason: Missing output files" in out
    assert not in_page_order["dry_run_changed"], "the dry run changed files"


def test_one_target_runs_preprocess_and_its_train_job(in_page_order):
    assert finished_jobs(in_page_order["minimal_one"]) == {"preprocess": 1, "train": 1}


def test_the_whole_run_makes_the_rest_and_the_serial_scripts_bytes(in_page_order):
    """After the one-target run, the page's run makes the other 34 training jobs and collect; the
    files are those of the serial run and collect_results.py, byte for byte. (The array path,
    train_one.py --index, is compared with the same serial run in tests/python.)"""
    assert finished_jobs(in_page_order["run"]) == {"train": len(GRID) - 1, "collect": 1, "all": 1}
    code = in_page_order["code"]
    assert len(in_page_order["serial"]) == 2 * len(GRID) + 2
    assert tree_bytes(code / "results") == in_page_order["serial"]
    assert tree_bytes(code / "data") == in_page_order["data"]


def test_second_run_does_nothing(finished, tmp_path):
    code = copy_state(finished[0], tmp_path / "code")
    before = mtimes(code / "results")
    proc = run(command(PAGE, "snakemake-run"), code)
    assert "Nothing to be done" in output(proc)
    assert mtimes(code / "results") == before


def test_removed_result_reruns_only_its_job_and_the_summary(finished, tmp_path):
    """The chapter's exercise, run as its solution shows it."""
    code = copy_state(finished[0], tmp_path / "code")
    before, times = tree_bytes(code / "results"), mtimes(code / "results")
    exercise = command(PAGE, "snakemake-1-rerun")
    removed = re.search(r"rm (results/\S+\.png)$", exercise, re.M).group(1)
    proc = run(exercise, code)
    assert job_counts(output(proc)) == {"train": 1, "collect": 1, "all": 1}
    assert "reason: Missing output files" in output(proc)

    proc = run(command(PAGE, "snakemake-run"), code)
    assert finished_jobs(output(proc)) == {"train": 1, "collect": 1, "all": 1}
    stem = pathlib.Path(removed).stem
    rerun = {f"{stem}.json", f"{stem}.png", "summary.csv", "summary.png"}
    after = mtimes(code / "results")
    assert {n for n in after if after[n] != times[n]} == rerun
    assert tree_bytes(code / "results") == before  # same bytes as the first time


def test_touching_a_result_without_changing_it_reruns_nothing(finished, tmp_path):
    """Snakemake 8+ compares the checksums of small input files, not only their times."""
    code = copy_state(finished[0], tmp_path / "code")
    (code / "results" / f"{GRID[0][2]}.json").touch()
    proc = run(command(PAGE, "snakemake-dry-run"), code)
    assert "Nothing to be done" in output(proc)


def test_changed_result_reruns_only_the_summary(finished, tmp_path):
    code = copy_state(finished[0], tmp_path / "code")
    with open(code / "results" / f"{GRID[0][2]}.json", "a") as handle:
        handle.write("\n")
    proc = run(command(PAGE, "snakemake-dry-run"), code)
    assert job_counts(output(proc)) == {"collect": 1, "all": 1}


def test_changed_split_reruns_every_training_job(finished, tmp_path):
    code = copy_state(finished[0], tmp_path / "code")
    split = code / "data" / "iris_split.json"
    split.write_text(json.dumps(json.loads(split.read_text())))  # same data, other bytes
    proc = run(command(PAGE, "snakemake-dry-run"), code)
    assert job_counts(output(proc)) == {"train": len(GRID), "collect": 1, "all": 1}


def test_lint_of_the_grown_snakefile_is_clean(tmp_path):
    proc = run(["snakemake", "--snakefile", SNAKEFILE, "--lint"], copy_code(tmp_path))
    out = output(proc)
    assert "Congratulations, your workflow is in a good condition!" in out
    assert "Lints for" not in out


def test_a_mistyped_target_is_refused(tmp_path):
    """The grown Snakefile's wildcard constraints: k has two digits."""
    proc = run(
        ["snakemake", "--snakefile", SNAKEFILE, "--dry-run", "results/knn_k8_manhattan.png"],
        copy_code(tmp_path),
        check=False,
    )
    assert proc.returncode != 0
    assert "No rule to produce results/knn_k8_manhattan.png" in output(proc)


def test_grown_snakefile_gives_the_serial_bytes_and_a_log_per_job(full_small, tmp_path_factory):
    """snakemake-slurm.md shows the grown Snakefile: the same files as the serial run (small grid),
    and one log file per job (the page names logs/train/<name>.log)."""
    code, out = full_small
    names = small_grid_names()
    assert finished_jobs(out) == {"preprocess": 1, "train": len(names), "collect": 1, "all": 1}
    serial = shutil.copytree(
        serial_reference(tmp_path_factory, small=True), tmp_path_factory.mktemp("s") / "code"
    )
    run(["python", f"{SCRIPTS}/collect_results.py"], serial)
    assert tree_bytes(code / "results") == tree_bytes(serial / "results")
    assert tree_bytes(code / "data") == tree_bytes(serial / "data")
    logs = {str(p.relative_to(code / "logs")) for p in (code / "logs").rglob("*.log")}
    assert logs == {"preprocess.log", "collect.log"} | {f"train/{n}.log" for n in names}
    assert "Collected" in (code / "logs" / "collect.log").read_text()
    assert "logs/train/knn_k08_manhattan.log" in (CONTENT / SLURM_PAGE).read_text()


def test_changed_config_reruns_every_training_job(full_small, tmp_path):
    code = copy_state(full_small[0], tmp_path / "code")
    proc = run(
        ["snakemake", "--snakefile", SNAKEFILE, "--dry-run", "--config", "cv_repeats=3"], code
    )
    assert job_counts(output(proc)) == {"train": len(small_grid_names()), "collect": 1, "all": 1}
    assert re.search(r"reason: .*params", proc.stdout, flags=re.I)


@pytest.mark.parametrize(
    "setting, message",
    [
        ("cv_repeats=0", "config cv_repeats must be a whole number of at least 1, got 0"),
        ("cv_repeats=many", "config cv_repeats must be a whole number of at least 1, got 'many'"),
        ("cv_repeat=3", "unknown config key(s) cv_repeat; this workflow knows: cv_repeats"),
    ],
)
def test_bad_config_value_is_a_clear_error(tmp_path, setting, message):
    code = copy_code(tmp_path)
    proc = run(
        ["snakemake", "--snakefile", SNAKEFILE, "--cores", "2", "--config", setting],
        code,
        check=False,
    )
    assert proc.returncode != 0
    assert message in output(proc)
    assert not (code / "data").exists() and not (code / "results").exists()


@pytest.mark.parametrize(
    "snakefile, messages",
    [
        (SNAKEFILE, ["MissingInputException", f"{SCRIPTS}/preprocess.py"]),
        (MINIMAL, ["No module named 'grid'"]),
    ],
)
def test_running_from_the_wrong_folder_is_a_clear_error(tmp_path, snakefile, messages):
    copy_code(tmp_path)
    proc = run(
        ["snakemake", "--snakefile", f"code/{snakefile}", "--cores", "2"], tmp_path, check=False
    )
    out = output(proc)
    assert proc.returncode != 0
    for message in messages:
        assert message in out
    assert not (tmp_path / "data").exists() and not (tmp_path / "results").exists()


def test_failing_job_leaves_no_result_behind(tmp_path):
    """A broken input makes the job fail; Snakemake removes that job's outputs and stops."""
    code = copy_code(tmp_path)
    (code / "data").mkdir()
    (code / "data" / "iris_split.json").write_text("{ not json")
    name = GRID[0][2]
    proc = run(
        ["snakemake", "--snakefile", SNAKEFILE, "--cores", "1", f"results/{name}.json"],
        code,
        check=False,
    )
    assert proc.returncode != 0
    assert "is not a valid split file" in (code / "logs" / "train" / f"{name}.log").read_text()
    assert not (code / "results" / f"{name}.json").exists()
    assert not (code / "results" / f"{name}.png").exists()


def test_slurm_block_after_the_local_run_plans_every_job(finished, tmp_path):
    """snakemake-slurm.md's block after snakemake.md's local run: its first line deletes what the
    local run made, so the second (run here with --dry-run added: the profile parses, the paths
    resolve) has every job to submit. The profile names no partition, so the jobs go to the
    cluster's default."""
    code = copy_state(finished[0], tmp_path / "code")
    clean, slurm = command_lines(SLURM_PAGE, "snakemake-slurm")
    run(clean, code)
    proc = run(slurm + " --dry-run", code)
    out = output(proc)
    assert f"Using profile {SLURM_PROFILE}" in out
    assert job_counts(out) == {"preprocess": 1, "train": len(GRID), "collect": 1, "all": 1}
    assert re.search(r"resources: .*runtime=10", out)  # the profile's set-resources for train
    assert "slurm_partition" not in out and "slurm_account" not in out


def test_no_slurm_profile_names_a_partition_or_an_account():
    """Partitions and accounts differ between clusters; the practice cluster needs neither. Every
    Slurm profile of the lesson leaves them to the learner (commented out, site-specific)."""
    profiles = [
        p
        for folder in ("code", "exercises", "solutions")
        for p in (ROOT / folder).rglob("profiles/*/config.yaml")
    ]
    assert len(profiles) >= 5
    for path in profiles:
        settings = yaml.safe_load(path.read_text())
        assert settings["executor"] == "slurm", path
        resources = settings.get("default-resources", {})
        assert not {"slurm_partition", "slurm_account"} & set(resources), path


def test_rulegraph_command_draws_the_workflow(tmp_path):
    if shutil.which("dot") is None:
        pytest.fail("graphviz's 'dot' is missing: apt-get install graphviz")
    code = copy_code(tmp_path)
    rulegraph = command(PAGE, "snakemake-rulegraph")
    run(rulegraph, code)
    out = re.search(r">\s*(\S+\.svg)", rulegraph).group(1)
    svg = (code / out).read_text()
    for rule in ("preprocess", "train", "collect", "all"):
        assert f">{rule}</text>" in svg


def test_the_slurm_picture_comes_from_the_snakefile_and_profile(full_small, tmp_path):
    """generators/snakemake_on_slurm.py draws one kind of Slurm job per rule of Snakemake's
    own job table, except `all`, which only names the targets and which the controller checks
    itself; and the limits of the real profile."""
    rules = set(finished_jobs(full_small[1]))
    copy_code(tmp_path)
    (tmp_path / "_generated").mkdir()
    snakemake_on_slurm.generate(tmp_path)
    svg = (tmp_path / snakemake_on_slurm.OUTPUTS[0]).read_text()
    text = figures.texts(svg)
    as_jobs = [text[i - 1] for i, line in enumerate(text) if line == "one Slurm job"]
    assert sorted(as_jobs) == sorted(rules - {"all"}) and "all" in rules
    assert "rule all: checked here, no job" in text
    settings = yaml.safe_load((tmp_path / "code" / SLURM_PROFILE / "config.yaml").read_text())
    assert f"{settings['jobs']} Slurm jobs queued or running" in text
    interval = settings["seconds-between-status-checks"]
    assert f"and asks Slurm about them every {interval} s" in text
    figures.assert_readable_on_a_phone(svg)
