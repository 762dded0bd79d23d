"""The starting notebook (code/jupyter/knn_iris.ipynb) and its script export (knn_iris.py)."""

from __future__ import annotations

import json
import pathlib
import re
import subprocess

import matplotlib.image

from lessontest.paths import ROOT
from lessontest.shell import run

NOTEBOOK = ROOT / "code" / "jupyter" / "knn_iris.ipynb"
ACCURACY_LINE = re.compile(
    r"^k = +\d+  \w+ +test accuracy \d\.\d{3}  cross-validated \d\.\d{3} \+- \d\.\d{3}$"
)


def _cells():
    return [c for c in json.loads(NOTEBOOK.read_text())["cells"] if c["cell_type"] == "code"]


def _stored_text(cell) -> str:
    return "".join(
        "".join(o.get("text", "")) for o in cell["outputs"] if o["output_type"] == "stream"
    )


def _accuracy_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if ACCURACY_LINE.match(line)]


def _nbval(notebook: pathlib.Path) -> subprocess.CompletedProcess:
    """pytest --nbval on one notebook, outside this repository's pytest configuration."""
    return run(
        [
            "python",
            "-m",
            "pytest",
            "--nbval",
            notebook.name,
            "-p",
            "no:cacheprovider",
            "-q",
            "-c",
            "/dev/null",
            "--rootdir",
            notebook.parent,
        ],
        notebook.parent,
        check=False,
    )


def test_notebook_is_stored_executed_and_clean():
    cells = _cells()
    assert cells, "the notebook has no code cells"
    for number, cell in enumerate(cells, start=1):
        assert cell["execution_count"] == number, "cells were not run once, top to bottom"
        for output in cell["outputs"]:
            assert output["output_type"] != "error"
            plain = "".join(output.get("data", {}).get("text/plain", ""))
            assert " at 0x" not in plain and "<matplotlib" not in plain, plain
    figures = [o for c in cells for o in c["outputs"] if "image/png" in o.get("data", {})]
    assert len(figures) == 1, "one grid of decision boundaries"
    lines = _accuracy_lines("".join(_stored_text(c) for c in cells))
    assert len(lines) == 35


def test_notebook_outputs_match_a_fresh_run_with_nbval(tmp_path):
    copy = tmp_path / "knn_iris.ipynb"
    copy.write_bytes(NOTEBOOK.read_bytes())
    proc = _nbval(copy)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert re.search(r"\b[1-9]\d* passed\b", proc.stdout), proc.stdout[-500:]


def test_nbval_catches_drifted_outputs(tmp_path):
    """The nbval check can fail: a stored output that no longer matches makes it fail."""
    notebook = json.loads(NOTEBOOK.read_text())
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    split_cell = next(c for c in code if "train_test_split(" in "".join(c["source"]))
    notebook["cells"] = code[: code.index(split_cell) + 1]  # only the quick cells
    stream = next(o for o in split_cell["outputs"] if o["output_type"] == "stream")
    text = "".join(stream["text"])
    assert "105 training" in text
    stream["text"] = text.replace("105 training", "104 training")
    drifted = tmp_path / "drifted.ipynb"
    drifted.write_text(json.dumps(notebook))
    proc = _nbval(drifted)
    assert proc.returncode != 0
    assert "104 training" in proc.stdout and "105 training" in proc.stdout


def test_export_and_cleaned_script(full_run, page_output):
    """The page's nbconvert command makes the raw export.

    knn_iris.py, the cleaned one, runs headless.
    """
    export = (full_run / "jupyter" / "knn_iris.py").read_text()
    assert "# In[" in export and "plt.show()" in export  # the raw export, before cleaning
    compile(export, "knn_iris.py", "exec")
    stdout, _ = page_output("notebook-script-run")  # python .../knn_iris.py, no display
    assert "Saved the decision boundaries to knn_iris.png" in stdout
    assert matplotlib.image.imread(full_run / "knn_iris.png").shape[:2] == (1200, 1000)
    assert not list(full_run.glob(".knn_iris.png*")), "temporary file left behind"
    stored = _accuracy_lines("".join(_stored_text(c) for c in _cells()))
    assert _accuracy_lines(stdout) == stored


def test_cleaned_script_has_no_notebook_leftovers():
    source = (ROOT / "code" / "python" / "scikit_example" / "knn_iris.py").read_text()
    for leftover in ("# In[", "display(", "get_ipython", "plt.show()", "%matplotlib"):
        assert leftover not in source.replace("instead of plt.show()", ""), leftover
    assert 'matplotlib.use("Agg")' in source


def test_serial_training_prints_the_notebooks_accuracies(page_output):
    """preprocess.py + train_and_plot.py compute exactly what the notebook showed."""
    printed, _ = page_output("train-preprocess-and-run", 1)  # train_and_plot.py
    stored = _accuracy_lines("".join(_stored_text(c) for c in _cells()))
    assert _accuracy_lines(printed) == stored
