"""The scatter/gather example's parts on their own: the step scripts' interface and errors, the
yadage and Snakemake files (validity, lint, the container variant) and the exercise's files.

The whole workflows run in test_scatter_gather_page.py; these checks are fast and need no workflow.
"""

from __future__ import annotations

import difflib
import json
import pathlib
import re
import subprocess

import pytest
import yaml

from lessontest.paths import ROOT
from lessontest.shell import assert_one_error_line, python, python_in_process, run
from lessontest.tree import copy_code

SCRIPTS = ROOT / "code" / "python" / "scatter_gather"
YADAGE = ROOT / "code" / "yadage" / "scatter_gather"
CLASSIFIERS = ["nearest_neighbours", "linear_svm", "rbf_svm", "gaussian_process", "decision_tree"]


def step(script: str, *args, cwd: pathlib.Path) -> subprocess.CompletedProcess:
    """`python SCRIPT ARGS...` from folder ``cwd``, run inside this process (scikit-learn is then
    imported once for these many small checks; lessontest.shell.python_in_process);
    test_a_step_behaves_the_same_in_a_real_process checks that a real process agrees."""
    return python_in_process(SCRIPTS / script, *args, cwd=cwd)


def test_a_step_behaves_the_same_in_a_real_process(data, tmp_path):
    args = ["--classifier", "svm", "--data", data, "--output", tmp_path / "x.json"]
    real = python(SCRIPTS / "train_classifier.py", *args, cwd=tmp_path, check=False, timeout=300)
    here = step("train_classifier.py", *args, cwd=tmp_path)
    assert (real.returncode, real.stdout, real.stderr) == (
        here.returncode,
        here.stdout,
        here.stderr,
    )
    assert real.returncode == 1 and real.stderr.count("\n") == 1


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> pathlib.Path:
    folder = tmp_path_factory.mktemp("moons")
    proc = step("prepare_data.py", "--output", folder / "moons.json", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    return folder / "moons.json"


@pytest.fixture(scope="module")
def two_results(data) -> list[pathlib.Path]:
    out = []
    for name in ("linear_svm", "decision_tree"):
        target = data.parent / f"{name}.json"
        proc = step(
            "train_classifier.py",
            "--classifier",
            name,
            "--data",
            data,
            "--output",
            target,
            cwd=data.parent,
        )
        assert proc.returncode == 0, proc.stderr
        out.append(target)
    return out


@pytest.mark.parametrize("script", ["prepare_data.py", "train_classifier.py", "merge_and_plot.py"])
def test_every_step_has_help(script, tmp_path):
    proc = step(script, "--help", cwd=tmp_path)
    assert proc.returncode == 0 and "usage:" in proc.stdout
    assert not list(tmp_path.iterdir()), "--help writes nothing"


def test_the_data_are_made_locally_with_a_fixed_seed(data, tmp_path):
    again = tmp_path / "again.json"
    assert step("prepare_data.py", "--output", again, cwd=tmp_path).returncode == 0
    assert again.read_bytes() == data.read_bytes(), "two runs give the same bytes"
    other = tmp_path / "other.json"
    assert step("prepare_data.py", "--seed", "2", "--output", other, cwd=tmp_path).returncode == 0
    assert other.read_bytes() != data.read_bytes(), "the seed matters"
    content = json.loads(data.read_text())
    assert content["dataset"] == "two moons" and content["seed"] == 1
    assert len(content["x_train"]) == len(content["y_train"]) == 120
    assert len(content["x_test"]) == len(content["y_test"]) == 80
    assert set(content["y_train"]) == {0, 1}


def test_a_negative_seed_is_refused(tmp_path):
    assert_one_error_line(
        step("prepare_data.py", "--seed", "-1", "--output", tmp_path / "m.json", cwd=tmp_path),
        "--seed",
    )
    assert not list(tmp_path.iterdir())


def test_an_unknown_classifier_lists_the_valid_ones(data, tmp_path):
    proc = step(
        "train_classifier.py",
        "--classifier",
        "svm",
        "--data",
        data,
        "--output",
        tmp_path / "x.json",
        cwd=tmp_path,
    )
    assert_one_error_line(
        proc, "unknown classifier 'svm'", "choose one of: " + ", ".join(CLASSIFIERS)
    )
    assert not list(tmp_path.iterdir()), "no partial output"


def test_training_is_deterministic_and_writes_what_the_plot_needs(two_results, data, tmp_path):
    again = tmp_path / "again.json"
    proc = step(
        "train_classifier.py",
        "--classifier",
        "linear_svm",
        "--data",
        data,
        "--output",
        again,
        cwd=tmp_path,
    )
    assert proc.returncode == 0
    assert again.read_bytes() == two_results[0].read_bytes()
    result = json.loads(again.read_text())
    assert result["classifier"] == "linear_svm" and 0.5 < result["test_accuracy"] <= 1.0
    steps = result["grid"]["steps"]
    assert len(result["surface"]) == steps and all(len(row) == steps for row in result["surface"])


@pytest.mark.parametrize(
    "content, needle",
    [
        (None, "does not exist"),
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "should hold a JSON object"),
        ('{"x_train": [[0, 1]], "y_train": [0]}', "has no 'x_test'"),
        (
            '{"x_train": [[0, 1, 2]], "y_train": [0], "x_test": [[0, 1]], "y_test": [1]}',
            "not N pairs",
        ),
    ],
)
def test_bad_data_files_are_one_line_errors(content, needle, tmp_path):
    data = tmp_path / "data.json"
    if content is not None:
        data.write_text(content)
    out = tmp_path / "out" / "result.json"
    proc = step(
        "train_classifier.py",
        "--classifier",
        "rbf_svm",
        "--data",
        data,
        "--output",
        out,
        cwd=tmp_path,
    )
    assert_one_error_line(proc, needle, str(data))
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def _merge(tmp_path, data, *results):
    return step(
        "merge_and_plot.py",
        "--data",
        data,
        "--figure",
        tmp_path / "f.png",
        "--summary",
        tmp_path / "s.csv",
        *results,
        cwd=tmp_path,
    )


def test_merge_refuses_the_same_classifier_twice(data, two_results, tmp_path):
    assert_one_error_line(
        _merge(tmp_path, data, two_results[0], two_results[0]), "'linear_svm' appears twice"
    )
    assert not (tmp_path / "f.png").exists() and not (tmp_path / "s.csv").exists()


def test_merge_refuses_results_from_other_data(two_results, tmp_path):
    other = tmp_path / "other.json"
    assert step("prepare_data.py", "--seed", "7", "--output", other, cwd=tmp_path).returncode == 0
    assert_one_error_line(_merge(tmp_path, other, *two_results), "computed from other data")
    assert not (tmp_path / "f.png").exists() and not (tmp_path / "s.csv").exists()


@pytest.mark.parametrize(
    "content, needle", [(None, "does not exist"), ('{"classifier": "x"}', "lacks")]
)
def test_merge_refuses_missing_or_malformed_results(data, two_results, tmp_path, content, needle):
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content)
    assert_one_error_line(_merge(tmp_path, data, two_results[0], bad), needle, "bad.json")
    assert not (tmp_path / "f.png").exists() and not (tmp_path / "s.csv").exists()


def test_merge_writes_a_summary_and_a_figure_sized_by_the_panels(data, two_results, tmp_path):
    proc = _merge(tmp_path, data, *two_results)
    assert proc.returncode == 0, proc.stderr
    lines = (tmp_path / "s.csv").read_text().splitlines()
    assert lines[0] == "classifier,title,test_accuracy,n_test"
    assert [line.split(",")[0] for line in lines[1:]] == ["decision_tree", "linear_svm"]
    png = (tmp_path / "f.png").read_bytes()
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (600, 300)
    assert b"tEXt" not in png or b"Software" not in png, "no tool version in the PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.png", "s.csv"], (
        "no temporary files left"
    )


# --- the workflow files -------------------------------------------------------------------------


def _validate(toplevel: pathlib.Path, workflow: str) -> subprocess.CompletedProcess:
    return run(["yadage-validate", workflow, "-t", toplevel], toplevel, check=False, timeout=120)


def test_the_yadage_workflow_is_valid():
    proc = _validate(YADAGE, "workflow.yml")
    assert proc.returncode == 0 and "validates against schema" in proc.stdout, (
        proc.stdout + proc.stderr
    )


def test_the_container_variant_is_valid_with_the_same_workflow_file():
    proc = _validate(YADAGE / "container", "../workflow.yml")
    assert proc.returncode == 0 and "validates against schema" in proc.stdout, (
        proc.stdout + proc.stderr
    )


def test_the_container_variant_differs_only_in_the_environments():
    local = yaml.safe_load((YADAGE / "steps.yml").read_text())
    container = yaml.safe_load((YADAGE / "container" / "steps.yml").read_text())
    assert sorted(local) == sorted(container) == ["merge", "prepare", "train"]
    for name in local:
        assert local[name]["environment"] == {"environment_type": "localproc-env"}
        env = container[name]["environment"]
        assert env["environment_type"] == "docker-encapsulated" and env["image"] and env["imagetag"]
        assert {k: v for k, v in local[name].items() if k != "environment"} == {
            k: v for k, v in container[name].items() if k != "environment"
        }


def test_the_workflows_train_the_classifiers_the_code_knows():
    inputs = yaml.safe_load((YADAGE / "inputs.yml").read_text())
    assert inputs["classifiers"] == CLASSIFIERS and inputs["seed"] == 1
    registry = re.findall(r'^    "(\w+)": \($', (SCRIPTS / "classifiers.py").read_text(), re.M)
    assert registry == CLASSIFIERS


def test_snakemake_lint_is_clean(tmp_path):
    proc = run(
        ["snakemake", "--snakefile", "snakemake/scatter_gather/Snakefile", "--lint"],
        copy_code(tmp_path),
        timeout=300,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "Lints for" not in output, output


# --- the exercise -------------------------------------------------------------------------------


def test_the_solution_only_adds_a_sixth_classifier():
    code = (SCRIPTS / "classifiers.py").read_text().splitlines()
    solution = (ROOT / "solutions" / "scatter-gather-1" / "classifiers.py").read_text().splitlines()
    diff = [line for line in difflib.ndiff(code, solution) if line[:2] in ("- ", "+ ")]
    assert diff and all(line.startswith("+ ") for line in diff), "\n".join(diff)
    assert any("RandomForestClassifier(" in line for line in diff)


def test_the_starter_asks_for_a_classifier_only_the_solution_knows():
    starter = yaml.safe_load((ROOT / "exercises" / "scatter-gather-1" / "inputs.yml").read_text())
    assert starter["classifiers"] == [*CLASSIFIERS, "random_forest"]
    assert starter["seed"] == yaml.safe_load((YADAGE / "inputs.yml").read_text())["seed"]
    assert '"random_forest"' not in (SCRIPTS / "classifiers.py").read_text()
    assert (
        '"random_forest"'
        in (ROOT / "solutions" / "scatter-gather-1" / "classifiers.py").read_text()
    )
