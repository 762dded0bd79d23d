"""The k-NN example's batch scripts, run WITHOUT a cluster.

Each script's body is run with plain `bash`, from a fresh copy of code/, with the SLURM_* variables
a real job would see, and its real output files are checked (byte for byte against the serial run
where they should match). Submitting these scripts to a real Slurm scheduler is tested in
tests/on_cluster/, not here.
"""

from __future__ import annotations

import pathlib
import re
import shutil

import pytest

from lessontest.paths import ROOT
from lessontest.shell import assert_one_error_line, learner_env, run
from lessontest.tree import copy_code

SLURM_DIR = ROOT / "code" / "slurm" / "scikit_example"
BATCH_SCRIPTS = [
    "serial.sh",
    "preprocess.sh",
    "array.sh",
    "collect.sh",
    "one_job.sh",
    "notice.sh",
    "long_job.sh",
    "array_chunks.sh",
    "staged_job.sh",
    "task_job.sh",
]
# Options a script may have besides the five every batch script has.
EXTRA_OPTIONS = {"long_job.sh": {"--signal"}}
ALL_SCRIPTS = [SLURM_DIR / name for name in [*BATCH_SCRIPTS, "submit_pipeline.sh"]] + [
    ROOT / "solutions" / "parallel-1" / "cities_array.sh"
]


def expected_names(code: pathlib.Path) -> list[str]:
    """Result names, in line order, from the parameter file the example itself writes."""
    names = []
    for line in (code / "params.txt").read_text().splitlines():
        k, metric = line.split()
        names.append(f"knn_k{int(k):02d}_{metric}")
    return names


@pytest.fixture(scope="session")
def serial_run(tmp_path_factory, params_file):
    """serial.sh run once with bash in a fresh copy of code/, as the job would run it."""
    code = copy_code(tmp_path_factory.mktemp("serial"))
    env = learner_env(
        {"SLURM_JOB_ID": "101", "SLURM_JOB_NAME": "knn-serial", "SLURM_SUBMIT_DIR": str(code)}
    )
    run(["bash", "slurm/scikit_example/serial.sh"], code, env=env, timeout=300)
    shutil.copy(params_file, code / "params.txt")
    return code


@pytest.mark.parametrize("script", ALL_SCRIPTS, ids=lambda p: p.name)
def test_script_parses(script):
    """bash -n: the script has no syntax error."""
    run(["bash", "-n", script], script.parent)


@pytest.mark.parametrize(
    "script",
    [SLURM_DIR / name for name in BATCH_SCRIPTS] + [ROOT / "solutions/parallel-1/cities_array.sh"],
    ids=lambda p: p.name,
)
def test_sbatch_header(script):
    """Requests are small (a 2-core test node), named, logged, and all read by sbatch.

    sbatch stops reading #SBATCH lines at the first command, so every one of them must come
    before it; --array must not be fixed in the file (its range is derived when submitting).
    """
    lines = script.read_text().splitlines()
    assert lines[0] == "#!/bin/bash"
    first_command = next(
        i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")
    )
    options = {}
    for number, line in enumerate(lines):
        if line.startswith("#SBATCH"):
            assert number < first_command, f"{script.name}: '{line}' comes after a command"
            name, _, value = line.split(maxsplit=1)[1].partition("=")
            options[name] = value
    expected = {"--job-name", "--output", "--time", "--cpus-per-task", "--mem"}
    assert set(options) == expected | EXTRA_OPTIONS.get(script.name, set())
    assert options["--cpus-per-task"] == "1"
    assert re.fullmatch(r"\d+[MG]", options["--mem"])
    assert int(options["--mem"][:-1]) * (1024 if options["--mem"].endswith("G") else 1) <= 1024
    hours, minutes, _ = map(int, options["--time"].split(":"))
    assert hours == 0 and 0 < minutes <= 15
    # Logs land in the submission folder (no folder Slurm would have to create), named per job.
    assert "/" not in options["--output"] and "%x" in options["--output"]
    assert ("%A_%a" in options["--output"]) == ("array" in script.name)


def test_serial_writes_every_combination(serial_run):
    """serial.sh: the split, then both result files for every line of the parameter file."""
    names = expected_names(serial_run)
    assert len(names) == len(set(names)) > 1
    results = serial_run / "results"
    assert sorted(p.name for p in results.iterdir()) == sorted(
        f"{name}.{ext}" for name in names for ext in ("json", "png")
    )
    assert (serial_run / "data" / "iris_split.json").stat().st_size > 0
    assert (results / f"{names[0]}.png").read_bytes().startswith(b"\x89PNG")


def test_pipeline_steps_match_serial(serial_run, code_copy):
    """preprocess.sh, then array.sh as tasks 3 and N-1: the same bytes as the serial run."""
    run(
        ["bash", "slurm/scikit_example/preprocess.sh"],
        code_copy,
        env=learner_env({"SLURM_JOB_ID": "201"}),
        timeout=120,
    )
    split = "data/iris_split.json"
    assert (code_copy / split).read_bytes() == (serial_run / split).read_bytes()

    shutil.copy(serial_run / "params.txt", code_copy / "params.txt")
    names = expected_names(code_copy)
    last = len(names) - 1
    for task in (3, last):
        task_env = learner_env(
            {
                "SLURM_JOB_ID": str(300 + task),
                "SLURM_ARRAY_JOB_ID": "300",
                "SLURM_ARRAY_TASK_ID": str(task),
                "SLURM_ARRAY_TASK_MIN": "0",
                "SLURM_ARRAY_TASK_MAX": str(last),
                "SLURM_ARRAY_TASK_COUNT": str(last + 1),
            }
        )
        proc = run(["bash", "slurm/scikit_example/array.sh"], code_copy, env=task_env, timeout=120)
        assert f"task {task}" in proc.stdout
    written = sorted(p.name for p in (code_copy / "results").iterdir())
    assert written == sorted(f"{names[i]}.{ext}" for i in (3, last) for ext in ("json", "png"))
    for name in written:
        assert (code_copy / "results" / name).read_bytes() == (
            serial_run / "results" / name
        ).read_bytes(), name


def test_one_job_forwards_arguments(serial_run, code_copy):
    """one_job.sh passes everything after the script name to train_one.py."""
    shutil.copytree(serial_run / "data", code_copy / "data")
    env = learner_env({"SLURM_JOB_ID": "401", "SLURM_JOB_NAME": "knn_k04_manhattan"})
    run(
        ["bash", "slurm/scikit_example/one_job.sh", "--n-neighbors", "4", "--metric", "manhattan"],
        code_copy,
        env=env,
        timeout=120,
    )
    written = sorted(p.name for p in (code_copy / "results").iterdir())
    assert written == ["knn_k04_manhattan.json", "knn_k04_manhattan.png"]
    for name in written:
        assert (code_copy / "results" / name).read_bytes() == (
            serial_run / "results" / name
        ).read_bytes()


def test_collect_summarises_all_results(serial_run, code_copy):
    """collect.sh, after every training: one table row per combination, and a figure."""
    shutil.copytree(serial_run / "results", code_copy / "results")
    run(
        ["bash", "slurm/scikit_example/collect.sh"],
        code_copy,
        env=learner_env({"SLURM_JOB_ID": "501"}),
        timeout=120,
    )
    table = (code_copy / "results" / "summary.csv").read_text().splitlines()
    assert len(table) == 1 + len(expected_names(serial_run))
    assert (code_copy / "results" / "summary.png").read_bytes().startswith(b"\x89PNG")


def test_array_task_needs_its_index(code_copy):
    """Run outside an array (no SLURM_ARRAY_TASK_ID): one clear line, nothing written."""
    proc = run(
        ["bash", "slurm/scikit_example/array.sh"],
        code_copy,
        env=learner_env({"SLURM_JOB_ID": "601"}),
        check=False,
    )
    assert_one_error_line(proc, "SLURM_ARRAY_TASK_ID", "--array")
    assert not (code_copy / "results").exists()


def test_array_task_index_out_of_range(serial_run, code_copy):
    """A task index past the end of params.txt fails cleanly and writes nothing."""
    shutil.copytree(serial_run / "data", code_copy / "data")
    shutil.copy(serial_run / "params.txt", code_copy / "params.txt")
    count = len(expected_names(code_copy))
    env = learner_env({"SLURM_ARRAY_JOB_ID": "700", "SLURM_ARRAY_TASK_ID": str(count)})
    proc = run(
        ["bash", "slurm/scikit_example/array.sh"], code_copy, env=env, check=False, timeout=120
    )
    assert_one_error_line(proc, f"index {count}", str(count - 1))
    assert not (code_copy / "results").exists()


def test_sbatch_option_after_the_script_name_fails_the_task(code_copy):
    """array-jobs.md: an sbatch option written after the script name reaches the script as its
    parameter file's name, and the task fails at once with the page's message, writing nothing."""
    env = learner_env({"SLURM_ARRAY_JOB_ID": "750", "SLURM_ARRAY_TASK_ID": "0"})
    proc = run(
        ["bash", "slurm/scikit_example/array.sh", "--dependency=afterok:123"],
        code_copy,
        env=env,
        check=False,
    )
    assert_one_error_line(proc, "error: parameter file '--dependency=afterok:123' not found")
    assert proc.stdout == "" and not (code_copy / "results").exists()


def test_array_in_chunks_trains_its_lines(serial_run, code_copy):
    """array_chunks.sh 5 as task 6: lines 30 to 34, the serial run's bytes; without the chunk
    size, or outside an array, one clear line and nothing written."""
    shutil.copytree(serial_run / "data", code_copy / "data")
    shutil.copy(serial_run / "params.txt", code_copy / "params.txt")
    script = "slurm/scikit_example/array_chunks.sh"
    env = learner_env({"SLURM_ARRAY_JOB_ID": "900", "SLURM_ARRAY_TASK_ID": "6"})
    for args, words in [([], "number of lines per task"), (["5", "params.txt"], None)]:
        proc = run(["bash", script, *args], code_copy, env=env, check=False, timeout=120)
        if words:
            assert_one_error_line(proc, words)
            assert not (code_copy / "results").exists()
    assert proc.returncode == 0, proc.stderr
    names = expected_names(code_copy)[30:35]
    assert sorted(p.stem for p in (code_copy / "results").glob("*.json")) == sorted(names)
    for name in names:
        for ext in ("json", "png"):
            made, serial = (f / "results" / f"{name}.{ext}" for f in (code_copy, serial_run))
            assert made.read_bytes() == serial.read_bytes(), name
    proc = run(["bash", script, "5"], code_copy, env=learner_env(), check=False)
    assert_one_error_line(proc, "not an array task", "--array")


def test_staged_job_copies_back_its_results_and_leaves_no_scratch(serial_run, code_copy, tmp_path):
    """staged_job.sh works in <the site file's scratch>/knn-<job ID>, which job-env.sh sets when
    the job did not get LESSON_SCRATCH (--export=NONE), or in $LESSON_SCRATCH (site.env) when the
    job got it; not in $TMPDIR then. The results come back with the serial run's bytes, and the
    scratch folder is gone, also after a failed training (which brings nothing back)."""
    shutil.copytree(serial_run / "data", code_copy / "data")
    scratch = tmp_path / "node-local"
    scratch.mkdir()
    script = "slurm/scikit_example/staged_job.sh"
    env = learner_env({"SLURM_JOB_ID": "950", "TMPDIR": str(scratch)})
    env.pop("LESSON_SCRATCH", None)

    def train(metric, check=True):
        args = ["bash", script, "--n-neighbors", "8", "--metric", metric]
        return run(args, code_copy, env=env, check=check, timeout=120)

    proc = train("hamming", check=False)
    assert_one_error_line(proc, "invalid choice: 'hamming'")
    assert not (code_copy / "results").exists() and list(scratch.iterdir()) == []
    site_default = re.search(
        r"^export LESSON_SCRATCH=\$\{LESSON_SCRATCH:-(/\S*)\}$",
        (code_copy / "job-env.sh").read_text(),
        re.M,
    ).group(1)
    proc = train("manhattan")
    assert proc.stdout.startswith(f"working in {site_default}/knn-950 on ?\n"), proc.stdout
    assert not pathlib.Path(site_default, "knn-950").exists()
    made = sorted(p.name for p in (code_copy / "results").iterdir())
    assert made == ["knn_k08_manhattan.json", "knn_k08_manhattan.png"]
    for name in made:
        assert (code_copy / "results" / name).read_bytes() == (
            serial_run / "results" / name
        ).read_bytes()
    assert list(scratch.iterdir()) == []
    # site.env's LESSON_SCRATCH, when set, wins over $TMPDIR.
    shutil.rmtree(code_copy / "results")
    site_scratch = tmp_path / "site-scratch"
    site_scratch.mkdir()
    env["LESSON_SCRATCH"] = str(site_scratch)
    proc = train("manhattan")
    assert proc.stdout.startswith(f"working in {site_scratch}/knn-950 on ?\n"), proc.stdout
    assert (code_copy / "results" / "knn_k08_manhattan.json").is_file()
    assert list(site_scratch.iterdir()) == [] and list(scratch.iterdir()) == []


def test_task_job_uses_the_cores_slurm_gave(serial_run, code_copy):
    """task_job.sh hands SLURM_CPUS_PER_TASK to train_task.py as --n-jobs: the serial run's bytes
    on two processes; a later --n-jobs wins; a value that is not a positive integer (Slurm can
    say '2(x2)') is one clear line, and nothing is written."""
    shutil.copytree(serial_run / "data", code_copy / "data")
    script = "slurm/scikit_example/task_job.sh"
    args = ["--n-neighbors", "4", "--metric", "chebyshev"]
    for cores, more in [("2", []), ("1", ["--n-jobs", "2"])]:
        env = learner_env({"SLURM_JOB_ID": "960", "SLURM_CPUS_PER_TASK": cores})
        run(["bash", script, *args, *more], code_copy, env=env, timeout=120)
        made = sorted(p.name for p in (code_copy / "results").iterdir())
        assert made == ["knn_k04_chebyshev.json", "knn_k04_chebyshev.png"]
        for name in made:
            assert (code_copy / "results" / name).read_bytes() == (
                serial_run / "results" / name
            ).read_bytes()
        shutil.rmtree(code_copy / "results")
    env = learner_env({"SLURM_JOB_ID": "961", "SLURM_CPUS_PER_TASK": "2(x2)"})
    proc = run(["bash", script, *args], code_copy, env=env, check=False, timeout=120)
    assert_one_error_line(proc, "--n-jobs", "'2(x2)'")
    assert not (code_copy / "results").exists()


def test_one_job_without_arguments(code_copy):
    proc = run(["bash", "slurm/scikit_example/one_job.sh"], code_copy, check=False)
    assert_one_error_line(proc, "--n-neighbors")
    assert not (code_copy / "results").exists()


@pytest.mark.parametrize("script", BATCH_SCRIPTS)
def test_wrong_folder(script, tmp_path):
    """Submitted from anywhere but code/: one line saying where to submit from."""
    env = learner_env({"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_JOB_ID": "800"})
    proc = run(["bash", SLURM_DIR / script, "--n-neighbors", "4"], tmp_path, env=env, check=False)
    assert_one_error_line(proc, "code/ folder")
    assert list(tmp_path.iterdir()) == []
