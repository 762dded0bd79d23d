"""The Snakemake workflow of code/snakemake/scikit_example/, run locally (no Slurm needed).

Every command the Snakemake chapter shows is taken from the page by its name
(lessontest.pages.command) and run exactly as written, from a learner's copy of the code/ folder.
The Slurm command is run here with --dry-run added (which checks the profile and the paths); the
tests marked `slurm` in tests/cluster/ submit it to a real cluster.
"""

from __future__ import annotations

import json
import pathlib
import re
import shutil
import sys

import pytest
import snakemake_on_slurm
import yaml

from lessontest import figures
from lessontest.pages import command, command_lines
from lessontest.paths import ROOT
from lessontest.shared import serial_reference
from lessontest.shell import run
from lessontest.snakemake import job_counts
from lessontest.tree import copy_code, tree_bytes

PAGE = "snakemake.md"
SNAKEFILE = "snakemake/scikit_example/Snakefile"
SLURM_PROFILE = "snakemake/scikit_example/profiles/slurm"
SCRIPTS = "python/scikit_example"


def example_grid():
    """(n_neighbors, metric) pairs and result names, from the example's own code."""
    sys.path.insert(0, str(ROOT / "code" / SCRIPTS))
    try:
        import grid
    finally:
        sys.path.pop(0)
    return [(k, m, grid.result_name(k, m)) for k, m in grid.combinations()]


GRID = example_grid()


def output(proc) -> str:
    return proc.stdout + proc.stderr


def mtimes(folder: pathlib.Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A copy of code/ in which the page's local run command has run once."""
    code = copy_code(tmp_path_factory.mktemp("snakemake"))
    proc = run(command(PAGE, "snakemake-run"), code, timeout=900)
    return code, proc


def clone(finished_dir: pathlib.Path, dest: pathlib.Path) -> pathlib.Path:
    """Copy a finished run, keeping file times and Snakemake's records, to change it safely."""
    shutil.copytree(finished_dir, dest, symlinks=True)
    return dest


def test_lint_is_clean(tmp_path):
    proc = run(command(PAGE, "snakemake-lint"), copy_code(tmp_path))
    out = output(proc)
    assert "Congratulations, your workflow is in a good condition!" in out
    assert "Lints for" not in out


def test_dry_run_lists_one_job_per_step_and_combination(tmp_path):
    code = copy_code(tmp_path)
    proc = run(command(PAGE, "snakemake-dry-run"), code)
    assert job_counts(output(proc)) == {
        "preprocess": 1,
        "train": len(GRID),
        "collect": 1,
        "all": 1,
    }
    # Every combination appears as its own job with the script's options.
    for _, _, name in GRID:
        assert f"output: results/{name}.json, results/{name}.png" in proc.stdout
    assert not (code / "data").exists() and not (code / "results").exists()


def test_local_run_matches_the_serial_script_byte_for_byte(finished, tmp_path, tmp_path_factory):
    code, proc = finished
    assert job_counts(output(proc)).get("train") == len(GRID), (
        "no 'Job stats' table, or a wrong one"
    )
    # The shared serial run (preprocess.py, train_and_plot.py), then its summary.
    serial = shutil.copytree(serial_reference(tmp_path_factory), tmp_path / "code")
    run(["python", f"{SCRIPTS}/collect_results.py"], serial, timeout=900)
    expected = tree_bytes(serial / "results")
    assert len(expected) == 2 * len(GRID) + 2  # .json + .png per combination, table, figure
    assert tree_bytes(code / "results") == expected
    assert tree_bytes(code / "data") == tree_bytes(serial / "data")


def test_local_run_matches_the_array_path_byte_for_byte(finished, tmp_path):
    """train_one.py --index I for a spread of indices of params.txt (first, middle, last...).

    Running all indices would take as long as the workflow itself; the serial comparison above
    covers every combination, and the example's own tests compare all indices with the serial run.
    """
    code, _ = finished
    array = copy_code(tmp_path)
    run(f"python {SCRIPTS}/preprocess.py && python {SCRIPTS}/create_parameter_file.py", array)
    lines = (array / "params.txt").read_text().splitlines()
    assert len(lines) == len(GRID)
    last = len(lines) - 1
    indices = sorted({0, last // 4, last // 2, 3 * last // 4, last})
    for index in indices:
        run(
            ["python", f"{SCRIPTS}/train_one.py", "--index", index, "--params", "params.txt"], array
        )
    made = tree_bytes(array / "results")
    assert len(made) == 2 * len(indices)
    for name, content in made.items():
        assert (code / "results" / name).read_bytes() == content, name


def test_every_rule_writes_its_log(finished):
    code, _ = finished
    logs = {str(p.relative_to(code / "logs")) for p in (code / "logs").rglob("*.log")}
    expected = {"preprocess.log", "collect.log"} | {f"train/{name}.log" for _, _, name in GRID}
    assert logs == expected
    assert "Collected" in (code / "logs" / "collect.log").read_text()


def test_second_run_does_nothing(finished, tmp_path):
    code = clone(finished[0], tmp_path / "code")
    before = mtimes(code / "results")
    proc = run(command(PAGE, "snakemake-run"), code)
    assert "Nothing to be done" in output(proc)
    assert mtimes(code / "results") == before


def test_removed_result_reruns_only_its_job_and_the_summary(finished, tmp_path):
    """The chapter's exercise, run as its solution shows it."""
    code = clone(finished[0], tmp_path / "code")
    before, times = tree_bytes(code / "results"), mtimes(code / "results")
    exercise = command(PAGE, "snakemake-1-rerun")
    removed = re.search(r"rm (results/\S+)", exercise).group(1)
    proc = run(exercise, code)
    assert job_counts(output(proc)) == {"train": 1, "collect": 1, "all": 1}

    proc = run(command(PAGE, "snakemake-run"), code)
    assert job_counts(output(proc)) == {"train": 1, "collect": 1, "all": 1}
    stem = pathlib.Path(removed).stem
    rerun = {f"{stem}.json", f"{stem}.png", "summary.csv", "summary.png"}
    after = mtimes(code / "results")
    assert {n for n in after if after[n] != times[n]} == rerun
    assert tree_bytes(code / "results") == before  # same bytes as the first time


def test_touching_a_result_without_changing_it_reruns_nothing(finished, tmp_path):
    """Snakemake 8+ compares the checksums of small input files, not only their times."""
    code = clone(finished[0], tmp_path / "code")
    (code / "results" / f"{GRID[0][2]}.json").touch()
    proc = run(command(PAGE, "snakemake-dry-run"), code)
    assert "Nothing to be done" in output(proc)


def test_changed_result_reruns_only_the_summary(finished, tmp_path):
    code = clone(finished[0], tmp_path / "code")
    with open(code / "results" / f"{GRID[0][2]}.json", "a") as handle:
        handle.write("\n")
    proc = run(command(PAGE, "snakemake-dry-run"), code)
    assert job_counts(output(proc)) == {"collect": 1, "all": 1}


def test_changed_split_reruns_every_training_job(finished, tmp_path):
    code = clone(finished[0], tmp_path / "code")
    split = code / "data" / "iris_split.json"
    split.write_text(json.dumps(json.loads(split.read_text())))  # same data, other bytes
    proc = run(command(PAGE, "snakemake-dry-run"), code)
    assert job_counts(output(proc)) == {"train": len(GRID), "collect": 1, "all": 1}


def test_changed_config_reruns_every_training_job(finished, tmp_path):
    code = clone(finished[0], tmp_path / "code")
    proc = run(command(PAGE, "snakemake-changed-config"), code)
    assert job_counts(output(proc)) == {"train": len(GRID), "collect": 1, "all": 1}
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


def test_running_from_the_wrong_folder_names_the_missing_input(tmp_path):
    copy_code(tmp_path)
    proc = run(
        ["snakemake", "--snakefile", f"code/{SNAKEFILE}", "--cores", "2"], tmp_path, check=False
    )
    out = output(proc)
    assert proc.returncode != 0
    assert "MissingInputException" in out
    assert f"{SCRIPTS}/preprocess.py" in out
    assert not (tmp_path / "data").exists() and not (tmp_path / "results").exists()


def test_failing_job_leaves_no_result_behind(finished, tmp_path):
    """A broken input makes the job fail; Snakemake removes that job's outputs and stops."""
    code = clone(finished[0], tmp_path / "code")
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


def test_slurm_command_uses_a_valid_profile(finished, tmp_path):
    """The page's Slurm command, with --dry-run added: the profile parses and the paths resolve."""
    code = clone(finished[0], tmp_path / "code")
    (code / "results" / f"{GRID[-1][2]}.png").unlink()
    [slurm] = command_lines(PAGE, "snakemake-slurm")  # one line, to which --dry-run is added
    proc = run(slurm + " --dry-run", code)
    out = output(proc)
    assert f"Using profile {SLURM_PROFILE}" in out
    assert job_counts(out) == {"train": 1, "collect": 1, "all": 1}
    assert "slurm_partition=" in out


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


def test_the_slurm_picture_comes_from_the_snakefile_and_profile(finished, tmp_path):
    """tools/generators/snakemake_on_slurm.py draws one kind of Slurm job per rule of Snakemake's
    own job table, except `all`, which only names the targets and which the controller checks
    itself; and the limits of the real profile."""
    _, proc = finished
    rules = set(job_counts(output(proc)))
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
