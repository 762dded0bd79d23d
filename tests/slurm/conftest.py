"""Fixtures for the Slurm-script tests that need NO cluster.

These tests run the batch scripts' bodies with plain `bash`, setting the SLURM_* variables a real
job would get, and check submission scripts against a fake `sbatch` that records its arguments.
The tests that submit the same scripts to a real Slurm scheduler live in tests/on_cluster/.

Every environment built here puts the fake `sbatch` first on PATH, so that nothing in this suite
can reach a real cluster, even on a machine where one is running.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import sys

import pytest

from lessontest.paths import ROOT
from lessontest.shell import learner_env, python, run
from lessontest.tree import copy_code

# A stand-in for sbatch: it parses the command line the way sbatch does (options up to the first
# argument that is not an option, which is the script; everything after it belongs to the script),
# appends one JSON line per call to $FAKE_SBATCH_LOG and prints a job ID (5001, 5002, ...). With
# --parsable it prints only the ID, or "ID;NAME" when FAKE_SBATCH_CLUSTER=NAME is set (the form a
# multi-cluster site gives). FAKE_SBATCH_FAIL_AT=N makes the N-th call fail the way sbatch does.
FAKE_SBATCH = (
    r"""#!{python} -SI
import json, os, sys
log = os.environ["FAKE_SBATCH_LOG"]
with open(log, "a+") as handle:
    handle.seek(0)
    number = len(handle.read().splitlines()) + 1
args = sys.argv[1:]
options, script, script_args = [], None, []
for position, arg in enumerate(args):
    if not arg.startswith("-"):
        script, script_args = arg, args[position + 1:]
        break
    options.append(arg)
record = {{"argv": args, "options": options, "script": script, "script_args": script_args,
          "cwd": os.getcwd()}}
with open(log, "a") as handle:
    handle.write(json.dumps(record) + "\n")
if os.environ.get("FAKE_SBATCH_FAIL_AT") == str(number):
    sys.exit("sbatch: error: Batch job submission failed: Invalid account or account/"""
    r"""partition combination specified")
if script is None or not os.path.isfile(script):
    sys.exit(f"sbatch: error: Unable to open file {{script}}")
job_id = 5000 + number
cluster = os.environ.get("FAKE_SBATCH_CLUSTER")
parsable = f"{{job_id}};{{cluster}}" if cluster else str(job_id)
print(parsable if "--parsable" in options else f"Submitted batch job {{job_id}}")
"""
)


@pytest.fixture
def fake_sbatch(tmp_path):
    """A folder holding the fake sbatch, and a function returning the calls it recorded."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    script = bin_dir / "sbatch"
    script.write_text(FAKE_SBATCH.format(python=sys.executable))
    script.chmod(0o755)
    log = tmp_path / "sbatch-calls.jsonl"

    class Fake:
        dir = bin_dir
        log_file = log

        @staticmethod
        def calls() -> list[dict]:
            if not log.exists():
                return []
            return [json.loads(line) for line in log.read_text().splitlines()]

        @staticmethod
        def env(extra: dict[str, str] | None = None) -> dict:
            return learner_env({"FAKE_SBATCH_LOG": str(log), **(extra or {})}, [bin_dir])

        @staticmethod
        def start(call: dict, task: int | None = None):
            """Run a recorded job the way Slurm starts it, whenever the test chooses: its script,
            read NOW, with the arguments given after the script name, in the folder it was
            submitted from; `task` is the index of an array task."""
            job = {"SLURM_JOB_ID": "9001"}
            if task is not None:
                job |= {"SLURM_ARRAY_JOB_ID": "9001", "SLURM_ARRAY_TASK_ID": str(task)}
            return run(
                ["bash", call["script"], *call["script_args"]],
                pathlib.Path(call["cwd"]),
                env=learner_env(job),
                timeout=120,
            )

    return Fake


@pytest.fixture
def no_sbatch_env(tmp_path):
    """An environment in which no sbatch can be found (PATH holds only python and the basics)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # A wrapper, not a symlink: through a symlink Python would not find the venv's packages.
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (bin_dir / "python").chmod(0o755)
    for tool in ("bash", "sh", "wc", "cat"):
        (bin_dir / tool).symlink_to(shutil.which(tool, path="/usr/bin:/bin"))
    return learner_env({"PATH": str(bin_dir)})


@pytest.fixture
def code_copy(tmp_path):
    """A fresh copy of the repository's code/ folder, as a learner has it (no data, no results)."""
    return copy_code(tmp_path)


@pytest.fixture(scope="session")
def params_file(tmp_path_factory) -> pathlib.Path:
    """The parameter file that create_parameter_file.py writes, made once per session."""
    folder = tmp_path_factory.mktemp("grid")
    python(
        ROOT / "code/python/scikit_example/create_parameter_file.py",
        "--output",
        folder / "params.txt",
        cwd=folder,
    )
    return folder / "params.txt"


@pytest.fixture(scope="session")
def grid(params_file) -> list[tuple[int, str]]:
    """The (K, METRIC) pairs of the example's grid, in the parameter file's order."""
    pairs = [line.split() for line in params_file.read_text().splitlines()]
    assert len(pairs) > 1
    return [(int(k), metric) for k, metric in pairs]
