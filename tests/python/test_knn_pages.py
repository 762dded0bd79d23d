"""The four chapters about the k-NN example: their commands and their highlighted lines.

The pages' command blocks are run by the `full_run` fixture (conftest.py), as the pages show them
and in page order; here we check that it ran every one of them. The :emphasize-lines: of an
included file claim "these lines are what changed compared with the previous file": we recompute
that claim.
"""

from __future__ import annotations

import json
import re
import types

import matplotlib.image
import pytest
from sphinx.directives.code import LiteralIncludeReader

from lessontest.pages import command_lines, is_command_block, is_site_specific, load_page
from lessontest.paths import CONTENT, ROOT
from lessontest.shell import run

PAGES = [
    "notebook-to-script.md",
    "preprocess-and-train.md",
    "parameters.md",
    "collecting-results.md",
]
EXAMPLE = "/code/python/scikit_example"

# Which includes highlight changes, and compared with what:
# (page, included file, :pyobject: or None) -> the file it is compared with.
COMPARED_WITH = {
    ("notebook-to-script.md", f"{EXAMPLE}/knn_iris.py", "main"): "/code/jupyter/knn_iris.ipynb",
}

INCLUDE = re.compile(r"^`{3,}\{literalinclude\} (\S+)\n((?::[\w-]+:.*\n)*)", re.M)


def _text(page: str) -> str:
    return (CONTENT / page).read_text()


def _options(block: str) -> dict[str, str]:
    return dict(re.findall(r"^:([\w-]+):[ \t]*(.*)$", block, re.M))


def _lines(path: str) -> list[str]:
    """A file's lines; for a notebook, the lines of its code cells."""
    full = ROOT / path.lstrip("/")
    if full.suffix == ".ipynb":
        cells = json.loads(full.read_text())["cells"]
        return [
            line
            for c in cells
            if c["cell_type"] == "code"
            for line in "".join(c["source"]).splitlines()
        ]
    return full.read_text().splitlines()


def _shown(path: str, pyobject: str | None) -> list[str]:
    """The lines a {literalinclude} shows, selected by Sphinx's own reader."""
    if pyobject is None:
        return _lines(path)
    config = types.SimpleNamespace(source_encoding="utf-8-sig")
    text, _ = LiteralIncludeReader(
        str(ROOT / path.lstrip("/")), {"pyobject": pyobject}, config
    ).read()
    return text.splitlines()


def changed_lines(shown: list[str], reference: list[str]) -> str:
    """The :emphasize-lines: value that marks every shown line not found in the reference.

    A line counts as unchanged if the same text (ignoring indentation) occurs in the reference. A
    blank line is highlighted only when the lines on both sides of it are, so ranges stay whole.
    """
    known = {line.strip() for line in reference}
    new = [bool(line.strip()) and line.strip() not in known for line in shown]
    for i, line in enumerate(shown):
        if not line.strip():
            before = next((new[j] for j in range(i - 1, -1, -1) if shown[j].strip()), False)
            after = next((new[j] for j in range(i + 1, len(shown)) if shown[j].strip()), False)
            new[i] = before and after
    ranges, start = [], None
    for number, flag in enumerate(new + [False], start=1):
        if flag and start is None:
            start = number
        elif not flag and start is not None:
            ranges.append(f"{start}-{number - 1}" if number - 1 > start else f"{start}")
            start = None
    return ", ".join(ranges)


def test_full_run_ran_every_command_block_of_the_pages(full_run, page_output):
    """The full run ran every command block of the four pages, in page order, line by line; a
    block it did not run is marked site-specific. Each block is asked for here, by name."""
    expected = []
    for page in PAGES:
        for block in load_page(CONTENT / page).blocks:
            if not is_command_block(block) or is_site_specific(block):
                continue
            assert "name" in block.options, f"{block.where}: a command block without a :name:"
            name = block.options["name"]
            expected.append(f"{page}#{name}")
            for number, _line in enumerate(command_lines(page, name)):
                page_output(name, number)  # the line ran, and its output was kept
    ran = (full_run.parent / "outputs" / "ran.txt").read_text().splitlines()
    assert ran == expected


@pytest.mark.parametrize("key", list(COMPARED_WITH), ids=lambda k: f"{k[0]}:{k[1]}:{k[2]}")
def test_highlighted_lines_are_the_changed_ones(key):
    page, path, pyobject = key
    includes = [(target, _options(block)) for target, block in INCLUDE.findall(_text(page))]
    matching = [
        opts
        for target, opts in includes
        if target == path and opts.get("pyobject") == pyobject and "emphasize-lines" in opts
    ]
    assert len(matching) == 1, f"{page} should include {path} ({pyobject}) once, with highlights"
    expected = changed_lines(_shown(path, pyobject), _lines(COMPARED_WITH[key]))
    assert matching[0]["emphasize-lines"] == expected


def test_changed_lines_rule():
    shown = ["import os", "", "x = 1", "", "y = 2", "z = 3", "", "w = 4"]
    reference = ["x = 1", "    w = 4"]
    assert changed_lines(shown, reference) == "1, 5-6"


def test_exercise_script_1_starter_fails_and_solution_works(tmp_path):
    """The exported script of exercise script-1 really fails; the cleaned one runs headless."""
    starter = ROOT / "exercises" / "script-1" / "sepal_scatter.py"
    solution = ROOT / "solutions" / "script-1" / "sepal_scatter.py"
    proc = run(["python", starter], tmp_path, check=False, timeout=300)
    assert proc.returncode != 0 and "NameError: name 'get_ipython' is not defined" in proc.stderr
    source = solution.read_text()
    for leftover in ("get_ipython", "display(", "plt.show()", "# In["):
        assert leftover not in source, leftover
    proc = run(["python", solution], tmp_path, timeout=300)  # fails the test unless it exits 0
    assert "Saved sepal_scatter.png" in proc.stdout
    assert matplotlib.image.imread(tmp_path / "sepal_scatter.png").shape[:2] == (480, 640)


def test_what_the_pages_say_about_the_results_holds(full_run):
    """collecting-results.md and its exercise describe the numbers; check the description."""
    results = [json.loads(p.read_text()) for p in (full_run / "results").glob("knn_*.json")]
    best = max(results, key=lambda r: r["cv_accuracy_mean"])
    assert (best["n_neighbors"], best["metric"]) == (16, "manhattan")
    assert round(best["cv_accuracy_mean"], 2) == 0.84
    # "no model gets far beyond 80 %"
    assert max(max(r["cv_accuracy_mean"], r["test_accuracy"]) for r in results) < 0.85

    def mean_cv(metric):
        scores = [r["cv_accuracy_mean"] for r in results if r["metric"] == metric]
        return sum(scores) / len(scores)

    # "The cosine metric is clearly the worst."
    others = [mean_cv(m) for m in ("euclidean", "manhattan", "chebyshev", "canberra")]
    assert mean_cv("cosine") < min(others) - 0.05
    # "k = 1 and k = 64 are worse; the best cross-validated scores are in between."
    by_k = {
        k: max(r["cv_accuracy_mean"] for r in results if r["n_neighbors"] == k)
        for k in (1, 2, 4, 8, 16, 32, 64)
    }
    assert by_k[1] < by_k[16] and by_k[64] < by_k[16]
    assert (16, "euclidean") in {
        (r["n_neighbors"], r["metric"])
        for r in results
        if r["cv_accuracy_mean"] >= best["cv_accuracy_mean"] - 0.01
    }
