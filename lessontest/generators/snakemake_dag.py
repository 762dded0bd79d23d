"""The k-NN workflow's graphs, drawn from the three-rule Snakefile the Snakemake chapter shows.

- _generated/snakemake_rulegraph.svg: one box per rule (`snakemake --rulegraph`).
- _generated/snakemake_dag.svg: one box per job (`snakemake --dag`), drawn left to right so that
  the 35 training jobs stack up instead of making the picture very wide.

The example's code folder is copied to a temporary folder first, so no .snakemake/ state is left
in code/ and results a maintainer made by hand do not change the picture (--forceall draws every
job, whether its output exists or not). Needs Graphviz's `dot` (apt-get install graphviz).
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

INPUTS = [
    "code/snakemake/scikit_example/minimal/Snakefile",
    "code/python/scikit_example/*.py",
]
OUTPUTS = [
    "_generated/snakemake_rulegraph.svg",
    "_generated/snakemake_dag.svg",
]
SNAKEFILE = "snakemake/scikit_example/minimal/Snakefile"
GRAPHS = {
    "_generated/snakemake_rulegraph.svg": (["--rulegraph"], []),
    "_generated/snakemake_dag.svg": (["--dag"], ["-Grankdir=LR"]),
}


def generate(root: pathlib.Path) -> None:
    bin_dir = pathlib.Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    snakemake = shutil.which("snakemake", path=env["PATH"])
    dot = shutil.which("dot")
    if snakemake is None or dot is None:
        raise SystemExit(
            "snakemake_dag: needs snakemake (the lesson's .venv) and Graphviz's dot "
            "(apt-get install graphviz)"
        )
    ignore = shutil.ignore_patterns("__pycache__", ".snakemake", "data", "results", "logs")
    with tempfile.TemporaryDirectory() as tmp:
        code = pathlib.Path(tmp) / "code"
        for part in ("python/scikit_example", "snakemake/scikit_example"):
            shutil.copytree(root / "code" / part, code / part, ignore=ignore)
        for output, (snakemake_options, dot_options) in GRAPHS.items():
            graph = subprocess.run(
                [snakemake, "--snakefile", SNAKEFILE, "--forceall", "--quiet", *snakemake_options],
                cwd=code,
                env=env,
                capture_output=True,
                text=True,
            )
            if graph.returncode != 0 or not graph.stdout.lstrip().startswith("digraph"):
                raise SystemExit(
                    f"snakemake_dag: snakemake {' '.join(snakemake_options)} failed:\n"
                    f"{graph.stderr}"
                )
            svg = subprocess.run(
                [dot, "-Tsvg", *dot_options],
                input=graph.stdout,
                capture_output=True,
                text=True,
                check=True,
            )
            (root / output).write_text(svg.stdout)
