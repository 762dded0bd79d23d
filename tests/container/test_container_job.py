"""code/slurm/scikit_example/container_job.sh, run with a stand-in for `apptainer`.

There is no Apptainer (and no way to build an image) on this machine. So the test puts a small
fake `apptainer` program first on PATH. It records every call, checks the call's shape (`exec`,
`--bind` and `--pwd` both the job's folder, an image file that exists), and then runs the command
meant for the container directly, in the test's own Python environment.

What this proves: the script's own logic. It runs from the code/ folder, stops with a clear error
when the image or the code folder is missing (creating nothing), runs preprocessing and then
training in that order with paths relative to code/, passes the folder to --bind/--pwd, and the
result files land in the code/ folder.

What it does NOT prove: that a real Apptainer accepts these options, that the image builds, or
that the packages inside the image produce these results. Those need a cluster with Apptainer;
the container chapter marks those commands as site-specific.
"""

from __future__ import annotations

import json
import sys

import pytest

from lessontest.paths import ROOT
from lessontest.shell import assert_one_error_line, learner_env, run
from lessontest.tree import copy_code, example_grid

SCRIPT = "slurm/scikit_example/container_job.sh"

FAKE_APPTAINER = """#!{python}
import json, os, sys
args = sys.argv[1:]
log = os.environ["FAKE_APPTAINER_LOG"]
with open(log, "a") as handle:
    handle.write(json.dumps({{"cwd": os.getcwd(), "args": args}}) + "\\n")
def fail(message):
    sys.exit("fake apptainer: " + message)
if not args or args[0] != "exec":
    fail("expected 'exec' as the first argument, got %r" % args[:1])
rest, options = args[1:], {{}}
while rest and rest[0].startswith("--"):
    if len(rest) < 2:
        fail("option %s has no value" % rest[0])
    options[rest[0]] = rest[1]
    rest = rest[2:]
if set(options) != {{"--bind", "--pwd"}}:
    fail("expected exactly --bind and --pwd, got %s" % sorted(options))
if os.path.realpath(options["--bind"]) != os.path.realpath(os.getcwd()):
    fail("--bind %s is not the job's folder %s" % (options["--bind"], os.getcwd()))
if os.path.realpath(options["--pwd"]) != os.path.realpath(os.getcwd()):
    fail("--pwd %s is not the job's folder" % options["--pwd"])
if len(rest) < 2 or not os.path.isfile(rest[0]):
    fail("expected an existing image file and a command, got %r" % rest)
command = rest[1:]
if os.environ.get("FAKE_APPTAINER_RECORD_ONLY") == "1":
    sys.exit(0)
if command[0] == "python":
    command[0] = {python!r}
os.execv(command[0], command)
"""


@pytest.fixture
def job_dir(tmp_path):
    """A learner's copy of code/, a fake image, a fake apptainer."""
    code = copy_code(tmp_path)
    (code / "knn-iris.sif").write_bytes(
        b"not a real image: the fake apptainer only checks it exists"
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "apptainer"
    fake.write_text(FAKE_APPTAINER.format(python=sys.executable))
    fake.chmod(0o755)
    return code, bin_dir, tmp_path / "apptainer-calls.jsonl"


def run_job(cwd, bin_dir, log, extra_env=None, script=SCRIPT):
    env = learner_env({"FAKE_APPTAINER_LOG": str(log)}, path_first=[bin_dir])
    env.pop("IMAGE", None)
    env.update(extra_env or {})
    return run(["bash", script], cwd, env=env, check=False)


def calls(log):
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def expected_result_names(code):
    names = [name for _k, _m, name in example_grid(code)]
    return {f"{n}.{ext}" for n in names for ext in ("json", "png")}


def test_sbatch_options_come_before_the_first_command():
    """sbatch reads #SBATCH lines only up to the first command of the script."""
    lines = (ROOT / "code" / SCRIPT).read_text().splitlines()
    first_command = next(
        i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")
    )
    sbatch_lines = [i for i, line in enumerate(lines) if line.startswith("#SBATCH")]
    assert sbatch_lines and max(sbatch_lines) < first_command
    assert run(["bash", "-n", ROOT / "code" / SCRIPT], ROOT, check=False).returncode == 0


def test_job_runs_preprocess_then_training_inside_the_image(job_dir):
    code, bin_dir, log = job_dir
    proc = run_job(code, bin_dir, log)
    assert proc.returncode == 0, proc.stderr

    recorded = calls(log)
    inner = [call["args"][call["args"].index("knn-iris.sif") + 1 :] for call in recorded]
    assert inner == [
        ["python", "python/scikit_example/preprocess.py"],
        ["python", "python/scikit_example/train_and_plot.py"],
    ]
    assert all(call["cwd"] == str(code) for call in recorded)

    assert (code / "data" / "iris_split.json").is_file()
    made = {p.name for p in (code / "results").iterdir()}
    assert made == expected_result_names(code)
    for path in (code / "results").glob("*.json"):
        result = json.loads(path.read_text())
        assert 0 <= result["test_accuracy"] <= 1


def test_image_can_be_given_with_IMAGE(job_dir):
    code, bin_dir, log = job_dir
    elsewhere = code.parent / "images" / "other.sif"
    elsewhere.parent.mkdir()
    (code / "knn-iris.sif").rename(elsewhere)
    # Record the calls only (run nothing): enough to see which image the script passes.
    proc = run_job(code, bin_dir, log, {"IMAGE": str(elsewhere), "FAKE_APPTAINER_RECORD_ONLY": "1"})
    assert proc.returncode == 0, proc.stderr
    assert [call["args"][:6] for call in calls(log)] == [
        ["exec", "--bind", str(code), "--pwd", str(code), str(elsewhere)]
    ] * 2


def test_missing_image_is_a_clear_error_and_creates_nothing(job_dir):
    code, bin_dir, log = job_dir
    (code / "knn-iris.sif").unlink()
    proc = run_job(code, bin_dir, log)
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines() == [
        "error: container image 'knn-iris.sif' not found; "
        "build it first (see the container chapter)"
    ]
    assert calls(log) == []
    assert not (code / "data").exists() and not (code / "results").exists()


def test_submitting_from_the_wrong_folder_is_a_clear_error(job_dir):
    code, bin_dir, log = job_dir
    proc = run_job(code.parent, bin_dir, log, script=str(code / SCRIPT))
    assert_one_error_line(proc, "submit from the code/ folder")
    assert calls(log) == []
