"""The template and the wine study on a real Slurm cluster, with the commands of
content/your-own-work.md and content/your-cluster.md: an array job per study, the collection
after it, the table byte-identical to a serial run; a job submitted with --export=NONE that
finds Python through code/job-env.sh; an interactive job."""

from __future__ import annotations

import re
import subprocess

import pytest

from lessontest.pages import command
from lessontest.paths import VENV_BIN
from lessontest.slurm import submitted_id
from lessontest.study import ARRAY_JOB, COLLECT_JOB
from lessontest.tree import copy_lesson, tree_bytes

pytestmark = [pytest.mark.slurm, pytest.mark.usefixtures("site_venv")]
PAGE = "your-own-work.md"


def submit(shell, name: str, page: str = PAGE) -> tuple[str, str]:
    """Run a page block that submits an array (into $array) and then its collection; return
    (array job ID, collection job ID)."""
    out = shell.run(command(page, name) + 'echo "array=$array"\n').stdout
    return re.search(r"^array=(\d+)$", out, re.MULTILINE)[1], submitted_id(out)


@pytest.mark.timeout(1200)  # a dozen real jobs on a small, possibly busy node
def test_the_wine_study_as_an_array_job(shell, slurm, code_dir, wine_serial):
    """own-wine-submit: six tasks with two CPUs each, then the collection; the table is the
    serial run's, byte for byte. Then the exercise's solution adds three rows and runs only them."""
    assert ARRAY_JOB in command(PAGE, "own-wine-submit")
    assert COLLECT_JOB in command(PAGE, "own-wine-submit")
    array, collect = submit(shell, "own-wine-submit")
    states = slurm.wait([array, collect], timeout=900, records=6 + 1)
    assert set(states.values()) == {"COMPLETED"}, states
    assert sorted(states) == sorted([collect, *(f"{array}_{i}" for i in range(6))])
    for index in range(6):
        log = (code_dir / f"slurm-study-{array}_{index}.out").read_text()
        assert ": 2 thread(s)" in log, log
    table = code_dir / "results" / "wine_forest" / "table.csv"
    assert table.read_bytes() == wine_serial
    shown = shell.run(command(PAGE, "own-wine-table")).stdout
    assert shown == wine_serial.decode()

    copy_lesson(code_dir.parent, ("solutions",))
    array, collect = submit(shell, "own-1-solution")
    states = slurm.wait([array, collect], timeout=600, records=3 + 1)
    assert sorted(states) == sorted([collect, *(f"{array}_{i}" for i in (6, 7, 8))])
    assert set(states.values()) == {"COMPLETED"}, states
    lines = table.read_text().splitlines()
    assert len(lines) == 1 + 9
    assert set(wine_serial.decode().splitlines()) < set(lines)


@pytest.mark.timeout(600)
def test_an_interactive_job(shell, code_dir):
    """own-interactive, then own-in-the-job typed into its shell: a task on a compute node with
    two CPUs, the environment loaded as a job loads it."""
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command(PAGE, "own-interactive")],
        input=command(PAGE, "own-in-the-job"),
        cwd=code_dir,
        env=shell.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "trees03_depth1: 2 thread(s)" in proc.stdout, proc.stdout
    assert sorted(tree_bytes(code_dir / "results")) == ["wine_forest/trees03_depth1.json"]


@pytest.mark.site  # also on the strict practice cluster (make test-strict-site)
@pytest.mark.timeout(900)
def test_a_job_without_the_submitting_shells_environment(shell, slurm, code_dir):
    """your-cluster-export-none: with --export=NONE the job does not get the PATH that holds the
    lesson's Python (a plain job shows it), and still runs, through job-env.sh."""
    out = shell.run(command("your-cluster.md", "your-cluster-export-none")).stdout
    array = submitted_id(out)
    plain = submitted_id(
        shell.run(["sbatch", "--export=NONE", "--wrap", 'echo "PATH=$PATH"']).stdout
    )
    states = slurm.wait([array, plain], timeout=600, records=3 + 1)
    assert set(states.values()) == {"COMPLETED"}, states
    assert str(VENV_BIN) not in (code_dir / f"slurm-{plain}.out").read_text()
    results = tree_bytes(code_dir / "results")
    assert sorted(results) == [f"template/{name}.json" for name in ("large", "medium", "small")]
    for index in range(3):
        log = (code_dir / f"slurm-study-{array}_{index}.out").read_text()
        assert "error" not in log.lower(), log


def test_finding_the_settings(shell):
    """your-cluster-settings: the three commands that list what a user may name."""
    out = shell.run(command("your-cluster.md", "your-cluster-settings")).stdout
    assert "Account" in out and "Partition" in out and "PARTITION" in out
