"""The custom submission script and the cities exercise (Parallel-1) as jobs on a real cluster."""

from __future__ import annotations

import re
import shutil

import pytest

from lessontest.pages import command
from lessontest.slurm import submitted_id
from lessontest.tree import assert_same_files, copy_lesson, tree_bytes

pytestmark = pytest.mark.slurm


@pytest.mark.site  # also on the strict practice cluster (make test-strict-site)
@pytest.mark.timeout(1800)  # many real jobs on a small, possibly busy node
def test_custom_submission_script(shell, slurm, code_dir, small_grid):
    """submit_jobs.py, run as submission-script.md shows it (after preprocess.py), over the small
    grid: one job per combination, named after it; the results match the serial run."""
    out = shell.run(command("submission-script.md", "submission-submit")).stdout
    submitted = dict(re.findall(r"^(knn_k\d\d_[a-z]+): job (\d+)$", out, re.MULTILINE))
    expected_names = sorted(name[:-5] for name in small_grid if name.endswith(".json"))
    assert sorted(submitted) == expected_names, out  # one job per combination of the grid
    assert f"Submitted {len(expected_names)} jobs." in out

    states = slurm.wait(submitted.values(), timeout=900)
    assert set(states.values()) == {"COMPLETED"}, states
    # Slurm knows every job by the name the script gave it.
    names = shell.run(
        [
            "sacct",
            "--noheader",
            "--parsable2",
            "--allocations",
            f"--jobs={','.join(submitted.values())}",
            "--format=JobID,JobName",
        ]
    ).stdout
    assert dict(line.split("|")[::-1] for line in names.splitlines()) == submitted
    for name, job in submitted.items():
        assert (code_dir / f"slurm-{name}-{job}.out").exists()
    assert_same_files(tree_bytes(code_dir / "results"), small_grid)


def test_cities_array_job(tmp_path, shell, slurm):
    """Parallel-1: the array solution writes the same files as the serial exercise script."""
    lesson = copy_lesson(tmp_path / "lesson", folders=("exercises", "solutions"))
    exercise, solution = lesson / "exercises" / "parallel-1", lesson / "solutions" / "parallel-1"
    serial, parallel = exercise, tmp_path / "parallel"
    shell.run(["python", "long_code.py", "--delay", "0"], cwd=serial)
    expected = tree_bytes(serial / "output")
    assert expected, "the serial script wrote no files"

    # The learner's folder: the data and the solution's two files, as the exercise sets it up.
    parallel.mkdir()
    shutil.copy(exercise / "cities.csv", parallel)
    for name in ("long_code_for_index.py", "cities_array.sh"):
        shutil.copy(solution / name, parallel)
    count = int(shell.run(["python", "long_code_for_index.py", "--count"], cwd=parallel).stdout)
    assert count == len(expected)

    # The submission line from the script's header, typed as it stands (a comment may continue
    # the command on the next comment line with a backslash).
    header = "\n".join(
        line.lstrip("#").strip()
        for line in (parallel / "cities_array.sh").read_text().splitlines()
        if line.startswith("#")
    ).replace("\\\n", " ")
    command = re.search(r"^(sbatch --array=.*cities_array\.sh)$", header, re.MULTILINE).group(1)
    out = shell.run(command, cwd=parallel).stdout
    job = submitted_id(out)
    states = slurm.wait([job], timeout=600, records=count)
    assert sorted(states) == sorted(f"{job}_{i}" for i in range(count)), states
    assert set(states.values()) == {"COMPLETED"}, states
    assert_same_files(tree_bytes(parallel / "output"), expected)

    # Array-1's repair: lose two countries' files, rerun only those two tasks.
    lost = sorted(expected)[1], sorted(expected)[4]
    for name in lost:
        (parallel / "output" / name).unlink()
    out = shell.run(["sbatch", "--array=1,4", "cities_array.sh"], cwd=parallel).stdout
    rerun = submitted_id(out)
    states = slurm.wait([rerun], timeout=300, records=2)
    assert states == {f"{rerun}_1": "COMPLETED", f"{rerun}_4": "COMPLETED"}, states
    assert_same_files(tree_bytes(parallel / "output"), expected)
