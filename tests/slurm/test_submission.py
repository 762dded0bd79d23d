"""submit_pipeline.sh and submit_jobs.py against a FAKE sbatch (no cluster needed).

The fake sbatch (see conftest.py) records its arguments, split the way sbatch splits them: options
before the script name, the script's own arguments after it. These tests check what would be
submitted, and one of them then starts a recorded job the way Slurm would, later; that the
submitted jobs really run on a scheduler is tested in tests/on_cluster/.
"""

from __future__ import annotations

import shutil

from lessontest.shared import serial_reference
from lessontest.shell import assert_one_error_line, run

PIPELINE = "slurm/scikit_example/submit_pipeline.sh"
SUBMIT_JOBS = "python/scikit_example/submit_jobs.py"


def replace_parameter_writer(code, lines):
    """Swap create_parameter_file.py for one that writes the given lines (a different grid)."""
    body = "".join(f"{line}\n" for line in lines)
    (code / "python/scikit_example/create_parameter_file.py").write_text(
        f"import pathlib\npathlib.Path('params.txt').write_text({body!r})\n"
    )


# --- submit_pipeline.sh -------------------------------------------------------------------------


def test_pipeline_chains_three_jobs(code_copy, fake_sbatch):
    """preprocess, then the array (one task per params line) after it, then collect after that."""
    proc = run(["bash", PIPELINE], code_copy, env=fake_sbatch.env({"FAKE_SBATCH_CLUSTER": "test"}))
    lines = (code_copy / "params.txt").read_text().splitlines()
    assert len(lines) > 1
    calls = fake_sbatch.calls()
    assert [call["script"] for call in calls] == [
        "slurm/scikit_example/preprocess.sh",
        "slurm/scikit_example/array.sh",
        "slurm/scikit_example/collect.sh",
    ]
    # Every option before the script name, nothing after it; the cluster suffix of --parsable is
    # stripped from the IDs before they are used.
    assert calls[0]["options"] == ["--parsable"]
    assert calls[1]["options"] == [
        "--parsable",
        "--dependency=afterok:5001",
        f"--array=0-{len(lines) - 1}",
    ]
    assert calls[2]["options"] == ["--parsable", "--dependency=afterok:5002"]
    # The array reads a copy of params.txt of its own, named after the preprocess job.
    assert [call["script_args"] for call in calls] == [[], ["params-5001.txt"], []]
    assert (code_copy / "params-5001.txt").read_text() == (code_copy / "params.txt").read_text()
    assert all(call["cwd"] == str(code_copy) for call in calls)
    out = proc.stdout.splitlines()
    assert "preprocess job: 5001" in out
    assert f"array job:      5002 (tasks 0-{len(lines) - 1} of params-5001.txt)" in out
    assert "collect job:    5003" in out


def test_pipeline_array_range_follows_params(code_copy, fake_sbatch):
    """With a 3-line parameter file the array is 0-2: the range is derived, not written in."""
    replace_parameter_writer(code_copy, ["1 euclidean", "4 manhattan", "8 cosine"])
    run(["bash", PIPELINE], code_copy, env=fake_sbatch.env())
    assert "--array=0-2" in fake_sbatch.calls()[1]["options"]


def test_pending_tasks_keep_their_own_parameters(code_copy, fake_sbatch, tmp_path_factory):
    """Submit the pipeline; before any of its jobs has started, change the grid and submit it
    again. When the first pipeline's array task then starts, it trains its own line of the FIRST
    grid, not the line of the new one, byte for byte as the serial run does."""
    replace_parameter_writer(code_copy, ["1 euclidean", "4 manhattan"])
    run(["bash", PIPELINE], code_copy, env=fake_sbatch.env())
    replace_parameter_writer(code_copy, ["8 cosine", "16 chebyshev"])
    run(["bash", PIPELINE], code_copy, env=fake_sbatch.env())
    first_array = fake_sbatch.calls()[1]

    # The preprocess job's output, from the shared serial run (it makes the same split).
    reference = serial_reference(tmp_path_factory)
    shutil.copytree(reference / "data", code_copy / "data")
    proc = fake_sbatch.start(first_array, task=1)
    assert "task 1" in proc.stdout
    results = code_copy / "results"
    assert sorted(p.name for p in results.iterdir()) == [
        "knn_k04_manhattan.json",
        "knn_k04_manhattan.png",
    ]
    for result in results.iterdir():
        assert result.read_bytes() == (reference / "results" / result.name).read_bytes()


def test_pipeline_empty_params(code_copy, fake_sbatch):
    replace_parameter_writer(code_copy, [])
    proc = run(["bash", PIPELINE], code_copy, env=fake_sbatch.env(), check=False)
    assert_one_error_line(proc, "params.txt is empty")
    assert fake_sbatch.calls() == []


def test_pipeline_without_sbatch(code_copy, no_sbatch_env):
    """No Slurm on this machine: one line, before anything is written."""
    proc = run(["bash", PIPELINE], code_copy, env=no_sbatch_env, check=False)
    assert_one_error_line(proc, "sbatch not found")
    assert not (code_copy / "params.txt").exists()


def test_pipeline_stops_when_a_submission_fails(code_copy, fake_sbatch):
    """sbatch refuses the array job: the script stops with sbatch's message.

    collect is never sent.
    """
    replace_parameter_writer(code_copy, ["1 euclidean", "4 manhattan"])
    proc = run(
        ["bash", PIPELINE],
        code_copy,
        env=fake_sbatch.env({"FAKE_SBATCH_FAIL_AT": "2"}),
        check=False,
    )
    assert_one_error_line(proc, "sbatch: error")
    assert len(fake_sbatch.calls()) == 2
    assert "collect" not in proc.stdout


def test_pipeline_wrong_folder(tmp_path, code_copy, fake_sbatch):
    proc = run(["bash", code_copy / PIPELINE], tmp_path, env=fake_sbatch.env(), check=False)
    assert_one_error_line(proc, "code/ folder")
    assert fake_sbatch.calls() == []
    assert not (tmp_path / "params.txt").exists()


# --- submit_jobs.py -----------------------------------------------------------------------------


def test_dry_run_needs_no_sbatch(code_copy, no_sbatch_env):
    proc = run(["python", SUBMIT_JOBS, "--dry-run"], code_copy, env=no_sbatch_env)
    assert proc.stdout.startswith("sbatch --parsable --job-name=knn_k")


def test_without_sbatch(code_copy, no_sbatch_env):
    proc = run(["python", SUBMIT_JOBS], code_copy, env=no_sbatch_env, check=False)
    assert_one_error_line(proc, "sbatch not found", "--dry-run")


def test_stops_at_the_first_failed_submission(code_copy, fake_sbatch, grid):
    """The 5th sbatch fails: stop there, name the combination and the jobs already submitted."""
    # The fake prints "ID;cluster" here, as multi-cluster sites do: only the ID may be used.
    env = fake_sbatch.env({"FAKE_SBATCH_FAIL_AT": "5", "FAKE_SBATCH_CLUSTER": "c"})
    proc = run(["python", SUBMIT_JOBS], code_copy, env=env, check=False)
    k, metric = grid[4]
    assert_one_error_line(
        proc, f"n_neighbors={k} metric={metric}", "Invalid account", "(scancel 5001 5002 5003 5004)"
    )
    assert len(fake_sbatch.calls()) == 5
    assert proc.stdout.splitlines() == [
        f"knn_k{k:02d}_{metric}: job {5001 + i}" for i, (k, metric) in enumerate(grid[:4])
    ]


def test_first_submission_fails(code_copy, fake_sbatch):
    proc = run(
        ["python", SUBMIT_JOBS],
        code_copy,
        env=fake_sbatch.env({"FAKE_SBATCH_FAIL_AT": "1"}),
        check=False,
    )
    assert_one_error_line(proc, "no job was submitted")
    assert len(fake_sbatch.calls()) == 1


def test_wrong_folder(tmp_path, code_copy, fake_sbatch):
    proc = run(
        ["python", code_copy / SUBMIT_JOBS, "--dry-run"],
        tmp_path,
        env=fake_sbatch.env(),
        check=False,
    )
    assert_one_error_line(proc, "one_job.sh", "code/ folder")
    assert fake_sbatch.calls() == []


def test_unknown_option(code_copy, fake_sbatch):
    proc = run(["python", SUBMIT_JOBS, "--dryrun"], code_copy, env=fake_sbatch.env(), check=False)
    assert_one_error_line(proc, "unrecognized arguments: --dryrun")
    assert proc.returncode == 2
    assert fake_sbatch.calls() == []
