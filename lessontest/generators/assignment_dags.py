"""The job graphs (DAGs) of the assignment's three reference workflows, from the real Snakefiles.

Each workflow is copied to a temporary folder (so no .snakemake/ state is left in solutions/), asked
for its graph with `snakemake --dag`, and the graph is drawn left to right with Graphviz's `dot`
(so the parallel jobs stack up in a readable column). The tuning and
models graphs use the teaching configuration; the images graph uses the small test configuration,
because 50 images x 3 steps would make a picture too wide to read (the shape is the same).
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

OPTIONS = {
    "images": [".test/config_small/config.yaml"],
    "tuning": [],
    "models": [],
}
INPUTS = [f"solutions/assignment/{name}/workflow/**/*" for name in OPTIONS] + [
    f"solutions/assignment/{name}/{config}"
    for name in OPTIONS
    for config in ["config/config.yaml", ".test/*/*.yaml"]
]
OUTPUTS = [f"_generated/assignment/{name}_dag.svg" for name in OPTIONS]


def generate(root: pathlib.Path) -> None:
    bin_dir = pathlib.Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    snakemake = shutil.which("snakemake", path=env["PATH"])
    dot = shutil.which("dot")
    if snakemake is None or dot is None:
        raise SystemExit(
            "assignment_dags: needs snakemake (the lesson's .venv) and Graphviz's dot "
            "(apt-get install graphviz)"
        )
    for name, configfiles in OPTIONS.items():
        with tempfile.TemporaryDirectory() as tmp:
            workdir = pathlib.Path(tmp) / name
            shutil.copytree(
                root / "solutions" / "assignment" / name,
                workdir,
                ignore=shutil.ignore_patterns(
                    ".snakemake", "results", "logs", "benchmarks", "resources"
                ),
            )
            cmd = [snakemake, "--dag", "--quiet", "all"]
            if configfiles:
                cmd += ["--configfile", *configfiles]
            graph = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True)
            if graph.returncode != 0 or not graph.stdout.lstrip().startswith("digraph"):
                raise SystemExit(
                    f"assignment_dags: snakemake --dag failed for {name}:\n{graph.stderr}"
                )
            svg = subprocess.run(
                [dot, "-Grankdir=LR", "-Tsvg"],
                input=graph.stdout,
                capture_output=True,
                text=True,
                check=True,
            )
        (root / "_generated" / "assignment" / f"{name}_dag.svg").write_text(svg.stdout)
