"""The template's scripts and the wine study without a cluster: what content/your-own-work.md
promises of them (one result file per row, a deterministic table, one-line errors and no partial
output), and the facts the page states about the wine data and the forests."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine

from lessontest.pages import command
from lessontest.paths import ROOT
from lessontest.shell import assert_one_error_line, learner_env, python_in_process, run
from lessontest.study import COLLECT, TASK, TEMPLATE, WINE, rows, run_study
from lessontest.tree import copy_code, copy_lesson, tree_bytes


@pytest.fixture
def code(tmp_path) -> pathlib.Path:
    return copy_code(tmp_path)


def test_the_task_script_is_short():
    assert len((ROOT / "code" / TASK).read_text().splitlines()) <= 40


def test_the_pages_first_row_writes_one_result(code):
    out = run(command("your-own-work.md", "own-try-template"), code)
    result = json.loads((code / "results" / "template" / "small.json").read_text())
    assert result == {"name": "small", "points": "1000", "seed": "1", "pi": result["pi"]}
    assert 2.5 < result["pi"] < 3.8 and f"{result['pi']}" in out.stdout
    assert sorted(tree_bytes(code / "results")) == ["template/small.json"]


def test_the_template_table_is_sorted_and_the_same_every_time(code, tmp_path):
    table = run_study(code, TEMPLATE, [2, 0, 1]).decode()
    lines = table.splitlines()
    assert lines[0] == "name,points,seed,pi"
    assert [line.split(",")[0] for line in lines[1:]] == ["large", "medium", "small"]
    again = copy_code(tmp_path / "again")
    assert run_study(again, TEMPLATE, [0, 1, 2]).decode() == table


def test_the_wine_study_is_deterministic_with_any_number_of_threads(code, wine_serial):
    """Two CPUs per task (as the page submits them) give the serial run's table, byte for byte;
    the forest prints the threads it was given."""
    env_before = learner_env()
    assert "SLURM_CPUS_PER_TASK" not in env_before
    proc = run(
        ["python", TASK, "--study", WINE, "--index", "0"],
        code,
        env=learner_env({"SLURM_CPUS_PER_TASK": "2"}),
    )
    assert "trees03_depth1: 2 thread(s)" in proc.stdout
    rest = range(1, rows(code, WINE))
    assert run_study(code, WINE, rest) == wine_serial
    lines = wine_serial.decode().splitlines()
    assert lines[0] == "name,trees,max_depth,seed,test_accuracy"
    assert len(lines) == 1 + 6


def test_the_exercises_claim_about_seeds(tmp_path, wine_serial):
    """own-1's solution: the four seeds of the three-tree stumps differ by more than ten
    percentage points, as much as the six settings of the table differ from each other."""
    code = copy_lesson(tmp_path, ("code", "solutions")) / "code"
    run(f"cp ../solutions/own-1/params.csv {WINE}/params.csv", code)
    table = run_study(code, WINE, range(9)).decode()
    assert table.startswith(wine_serial.decode().split("\n", 1)[0])
    accuracy = {line.split(",")[0]: float(line.split(",")[-1]) for line in table.splitlines()[1:]}
    seeds = [v for k, v in accuracy.items() if k.startswith("trees03_depth1")]
    settings = [v for k, v in accuracy.items() if "seed" not in k]
    assert len(seeds) == 4 and len(settings) == 6
    assert max(seeds) - min(seeds) > 0.10
    assert max(seeds) - min(seeds) >= max(settings) - min(settings)


def test_the_wine_data_are_scikit_learns_copy():
    """wine.csv holds the bundled data set's values unchanged, the target as `class`."""
    data = pd.read_csv(ROOT / "code" / WINE / "wine.csv")
    wine = load_wine()
    assert list(data.columns[:-1]) == [n.replace("/", "_") for n in wine.feature_names]
    assert data.columns[-1] == "class"
    np.testing.assert_array_equal(data.drop(columns="class").to_numpy(), wine.data)
    np.testing.assert_array_equal(data["class"].to_numpy(), wine.target)


def bad_params(code: pathlib.Path, text: str) -> None:
    (code / TEMPLATE / "params.csv").write_text(text)


@pytest.mark.parametrize(
    ("text", "index", "words"),
    [
        (None, "3", ["no row 3 in python/template (rows 0-2)"]),
        (None, "-1", ["no row -1"]),
        ("name,points\nsmall,10\n", "0", ["line 2: needs a seed"]),
        ("name,points,seed\nsmall,10\n", "0", ["line 2: not one value for each column"]),
        ("name,points,seed\nsmall,10,1,9\n", "0", ["line 2: not one value for each column"]),
        ("name,points,seed\na,10,1\na,20,2\n", "0", ["line 3: needs a unique name"]),
        ("name,points,seed\n../up,10,1\n", "0", ["line 2: needs a unique name"]),
        ("name,points,seed\nsmall,10,one\n", "0", ["line 2: needs a seed, a whole number"]),
        ("name,points,seed\n", "0", ["has no rows below its header line"]),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(code, text, index, words):
    if text is not None:
        bad_params(code, text)
    proc = python_in_process(TASK, "--study", TEMPLATE, "--index", index, cwd=code)
    assert_one_error_line(proc, "task.py: error:", *words)
    assert not (code / "results").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--study", "python/nothing", "--index", "0"], ["cannot read", "No such file"]),
        (["--study", TEMPLATE, "--index", "two"], ["--index", "invalid int value"]),
        (["--study", TEMPLATE, "--index", "0", "--seed", "1"], ["unrecognized arguments"]),
        (["--index", "0"], ["--study"]),
    ],
)
def test_usage_mistakes_are_one_line(code, args, words):
    proc = python_in_process(TASK, *args, cwd=code)
    assert_one_error_line(proc, "task.py: error:", *words)
    assert not (code / "results").exists()


def test_a_study_without_work_py_is_one_line(code):
    (code / "python" / "mine").mkdir()
    (code / "python" / "mine" / "params.csv").write_text("name,seed\na,1\n")
    proc = python_in_process(TASK, "--study", "python/mine", "--index", "0", cwd=code)
    assert_one_error_line(proc, "no python/mine/work.py")
    assert not (code / "results").exists()


def test_a_failing_work_leaves_no_result_file(code):
    (code / TEMPLATE / "work.py").write_text("def work(row, seed):\n    return {'x': {1, 2}}\n")
    proc = python_in_process(TASK, "--study", TEMPLATE, "--index", "0", cwd=code)
    assert proc.returncode != 0 and "not JSON serializable" in proc.stderr
    assert not (code / "results").exists()


def test_a_failed_write_leaves_no_temporary_file(code):
    """The result goes to a temporary file first; when the rename fails, it is removed."""
    (code / "results" / "template" / "small.json").mkdir(parents=True)
    proc = python_in_process(TASK, "--study", TEMPLATE, "--index", "0", cwd=code)
    assert proc.returncode != 0
    assert [p.name for p in (code / "results" / "template").iterdir()] == ["small.json"]


def test_the_collection_refuses_missing_results(code):
    python_in_process(TASK, "--study", TEMPLATE, "--index", "1", cwd=code)
    proc = python_in_process(COLLECT, "--study", TEMPLATE, cwd=code)
    assert_one_error_line(proc, "collect.py: error:", "no result yet for 2 rows: small, large")
    assert sorted(tree_bytes(code / "results")) == ["template/medium.json"]


def test_the_collection_refuses_a_broken_result(code):
    run_study(code, TEMPLATE, [0, 1, 2])
    (code / "results" / "template" / "large.json").write_text("{half")
    table = code / "results" / "template" / "table.csv"
    before = table.read_bytes()
    proc = python_in_process(COLLECT, "--study", TEMPLATE, cwd=code)
    assert_one_error_line(proc, "cannot read results/template/large.json")
    assert table.read_bytes() == before


def test_a_new_study_starts_as_a_copy_of_the_templates(code):
    out = run(command("your-own-work.md", "own-new-study"), code)
    study = code / "python" / "my_study"
    assert sorted(p.name for p in study.iterdir()) == ["params.csv", "work.py"]
    assert (study / "work.py").read_bytes() == (code / TEMPLATE / "work.py").read_bytes()
    assert sorted(tree_bytes(code / "results")) == ["my_study/small.json"]
    assert "small" in out.stdout
