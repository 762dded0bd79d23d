"""long_job.sh's guard, without a cluster: the script's body run with plain bash, warned with USR1
by the test as Slurm would warn it, and a fake sbatch. A part that saved a new result submits the
next part; a part that saved none (one combination longer than a part) stops with one line and
status 1 instead of resubmitting for ever. On the cluster: tests/on_cluster/test_long_jobs.py.
"""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from lessontest.shell import python

SCRIPT = "slurm/scikit_example/long_job.sh"


@pytest.fixture
def part(code_copy, fake_sbatch):
    """part(args, until) starts long_job.sh as job 9001 with `args`, sends it USR1 once
    `until(code_copy)` is true, and gives (exit status, its stdout, its stderr)."""
    python(code_copy / "python/scikit_example/preprocess.py", cwd=code_copy)

    def run_part(args: list[str], until) -> tuple[int, str, str]:
        out, err = code_copy / "part.out", code_copy / "part.err"
        with out.open("w") as stdout, err.open("w") as stderr:
            proc = subprocess.Popen(
                ["bash", SCRIPT, *args],
                cwd=code_copy,
                env=fake_sbatch.env({"SLURM_JOB_ID": "9001"}),
                stdout=stdout,
                stderr=stderr,
            )
            try:
                deadline = time.monotonic() + 60
                # "resuming: ..." comes once Python runs: the shell has set its trap by then.
                while not (out.read_text().startswith("resuming:") and until(code_copy)):
                    assert proc.poll() is None, err.read_text()
                    assert time.monotonic() < deadline, out.read_text()
                    time.sleep(0.1)
                proc.send_signal(signal.SIGUSR1)  # to the batch shell only, as B: does
                status = proc.wait(timeout=60)
            finally:
                if proc.poll() is None:
                    proc.kill()
        return status, out.read_text(), err.read_text()

    return run_part


def test_a_part_that_saved_a_result_submits_the_next_part(part, fake_sbatch):
    args = ["--results-dir=long", "--cv-repeats", "100"]
    status, out, err = part(args, lambda code: any((code / "long").glob("*.json")))
    assert (status, err) == (0, ""), out + err
    assert out.splitlines()[-1] == "stopped before the time limit: the next part is job 5001"
    [call] = fake_sbatch.calls()
    assert call["options"] == ["--parsable", "--dependency=afterany:9001"]
    assert (call["script"], call["script_args"]) == (SCRIPT, args)


def test_a_part_that_saved_nothing_stops_instead_of_resubmitting(part, fake_sbatch):
    # One combination takes far longer than the moment the warning comes.
    status, out, err = part(["--results-dir", "long", "--cv-repeats", "5000"], lambda code: True)
    assert status == 1, out + err
    assert err == (
        "error: this part saved no new result, so no next part: give each part a longer --time\n"
    )
    assert "next part is job" not in out
    assert fake_sbatch.calls() == []


def test_results_of_earlier_parts_are_not_new(part, fake_sbatch, code_copy):
    """A later part that stops inside the same long combination: an earlier part's result is
    there, but this part added none."""
    (code_copy / "long").mkdir()
    (code_copy / "long/knn_k01_euclidean.json").write_text('{"cv_repeats": 5000}')
    (code_copy / "long/knn_k01_euclidean.png").write_bytes(b"")
    status, out, err = part(["--results-dir", "long", "--cv-repeats", "5000"], lambda code: True)
    assert out.startswith("resuming: 1 of 35 combinations already done\n"), out
    assert status == 1 and "saved no new result" in err, out + err
    assert fake_sbatch.calls() == []
