"""Run the k-NN example's real scripts and keep what the chapters show of their output.

The chapters about the example (preprocess-and-train, parameters, collecting-results) show a result
file, a decision boundary, the summary table and heatmap, and what train_one.py prints for --help
and for a bad metric. Rather than pasting any of that into a page, this generator runs the scripts,
as a learner would, in a scratch copy and keeps their outputs in _generated/knn_example/.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

SCRIPTS = "code/python/scikit_example"
INPUTS = [
    f"{SCRIPTS}/grid.py",
    f"{SCRIPTS}/script_io.py",
    f"{SCRIPTS}/knn_files.py",
    f"{SCRIPTS}/knn_model.py",
    f"{SCRIPTS}/knn_results.py",
    f"{SCRIPTS}/preprocess.py",
    f"{SCRIPTS}/train_and_plot.py",
    f"{SCRIPTS}/train_one.py",
    f"{SCRIPTS}/collect_results.py",
]
OUT = "_generated/knn_example"
OUTPUTS = [
    f"{OUT}/knn_k08_manhattan.json",
    f"{OUT}/knn_k08_manhattan.png",
    f"{OUT}/summary.csv",
    f"{OUT}/summary.png",
    f"{OUT}/grid.txt",
    f"{OUT}/train_and_plot.txt",
    f"{OUT}/train_one_help.txt",
    f"{OUT}/train_one_bad_metric.txt",
    f"{OUT}/collect_results.txt",
]


def _run(code: pathlib.Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "100"}  # argparse wraps --help to the terminal's width
    proc = subprocess.run(
        [sys.executable, f"python/scikit_example/{args[0]}", *args[1:]],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if proc.returncode != expect:
        raise RuntimeError(
            f"knn_summary: {' '.join(args)} exited with {proc.returncode}, expected "
            f"{expect}:\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def generate(root: pathlib.Path) -> None:
    out = root / OUT
    with tempfile.TemporaryDirectory() as scratch:
        code = pathlib.Path(scratch) / "code"
        shutil.copytree(
            root / SCRIPTS,
            code / "python" / "scikit_example",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        grid = _run(code, "grid.py")
        _run(code, "preprocess.py")
        serial = _run(code, "train_and_plot.py")
        collected = _run(code, "collect_results.py")
        helptext = _run(code, "train_one.py", "--help")
        bad = _run(code, "train_one.py", "--n-neighbors", "8", "--metric", "hamming", expect=2)

        out.mkdir(parents=True, exist_ok=True)
        for name in (
            "knn_k08_manhattan.json",
            "knn_k08_manhattan.png",
            "summary.csv",
            "summary.png",
        ):
            shutil.copyfile(code / "results" / name, out / name)
        (out / "grid.txt").write_text(grid.stdout)
        (out / "train_and_plot.txt").write_text(serial.stdout)
        (out / "train_one_help.txt").write_text(helptext.stdout)
        (out / "train_one_bad_metric.txt").write_text(bad.stderr)
        (out / "collect_results.txt").write_text(collected.stdout)
