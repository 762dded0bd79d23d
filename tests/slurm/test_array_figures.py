"""generators/array_figures.py: the array chapter's two pictures come from the real scripts.

The generator is run once on a copy of the example; what it draws is compared with the parameter
file create_parameter_file.py writes (conftest's `grid`) and with the jobs submit_pipeline.sh
submits to this suite's own fake sbatch.
"""

from __future__ import annotations

import pathlib
import re

import pytest

from lessontest import figures
from lessontest.generators import array_figures
from lessontest.shell import run
from lessontest.tree import copy_code

PIPELINE = "slurm/scikit_example/submit_pipeline.sh"


@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("array-figures")
    copy_code(root)
    (root / "_generated").mkdir()
    array_figures.generate(root)
    return {pathlib.Path(out).name: (root / out).read_text() for out in array_figures.OUTPUTS}


def test_the_task_picture_shows_lines_of_the_real_parameter_file(drawn, grid):
    svg = drawn["array_task_to_files.svg"]
    text = figures.texts(svg)
    lines = [f"{k} {metric}" for k, metric in grid]
    last = len(lines) - 1
    # The table: "task I" and the parameter file's line I beside it, for the first lines and
    # the last one.
    rows = {
        int(match.group(1)): text[i + 1]
        for i, label in enumerate(text)
        if (match := re.fullmatch(r"task (\d+)", label))
    }
    assert sorted(rows) == [0, 1, 2, 3, 4, last]
    assert all(rows[index] == lines[index] for index in rows), rows
    assert f"sbatch --array=0-{last}: {len(lines)} tasks," in text
    # The task the page runs by hand, its combination and its two result files.
    task = array_figures.SHOWN_TASK
    k, metric = grid[task]
    assert f"task {task} runs train_one.py --index {task}:" in text
    assert f"line {task} (from 0) is K = {k}," in text and f"metric = {metric}" in text
    name = f"knn_k{k:02d}_{metric}"
    assert [t for t in text if t.startswith("results/")] == [
        f"results/{name}.json",
        f"results/{name}.png",
    ]
    figures.assert_readable_on_a_phone(svg)


def test_the_timeline_shows_the_jobs_the_pipeline_submits(drawn, grid, code_copy, fake_sbatch):
    svg = drawn["array_pipeline_timeline.svg"]
    text = figures.texts(svg)
    run(["bash", PIPELINE], code_copy, env=fake_sbatch.env())
    calls = fake_sbatch.calls()
    # The fake numbers its jobs from 5001, the picture from 101; the order is the same.
    ids = {str(5001 + i): str(array_figures.FIRST_JOB_ID + i) for i in range(len(calls))}
    last = len(grid) - 1
    expected_rows, dependencies = [], []
    for number, call in enumerate(calls, start=5001):
        name, job = pathlib.Path(call["script"]).stem, ids[str(number)]
        options = dict(option.partition("=")[::2] for option in call["options"])
        if "--array" in options:
            assert options["--array"] == f"0-{last}"
            tasks = [f"{name} {job}_{task}" for task in (0, 1, last)]
            expected_rows += [*tasks[:2], "\u22ee", tasks[2]]  # a gap for the tasks between
        else:
            expected_rows.append(f"{name} {job}")
        if "--dependency" in options:
            kind, waited_for = options["--dependency"].split(":")
            dependencies.append(f"{kind}:{ids[waited_for]}")
    assert [t for t in text if t in expected_rows] == expected_rows
    assert len(expected_rows) == 6 and dependencies == ["afterok:101", "afterok:102"]
    assert [t for t in text if t.startswith("afterok:")] == dependencies
    figures.assert_readable_on_a_phone(svg)
