"""The scatter/gather chapter's two pictures: the yadage workflow's graph and the merged figure.

The graph (SVG). yadage builds its graph while it runs: the training stage becomes one node per
classifier only when the scatter is applied to the inputs. So this generator runs the real
code/yadage/scatter_gather files (workflow.yml, steps.yml, inputs.yml) through yadage in-process,
with one change: the local process environment is swapped for one that skips the step's command,
so nothing is trained (every other part of yadage, scatter and flatten included, does its normal
work, and the run takes seconds). It then draws the finished workflow instance with yadage's own
drawing code, replaces yadage's random node ids by stable names, and lets Graphviz's `dot` write
the SVG, so that the picture changes only when the workflow does.

The figure (PNG) and the table of scores (CSV). The three step scripts are run in this process,
with the workflow's inputs, to make the same files the workflow's merge step makes (tests/yadage
checks that yadage, Snakemake and this generator give byte-identical files).
"""

from __future__ import annotations

import contextlib
import io
import logging
import pathlib
import re
import runpy
import subprocess
import sys
import tempfile

import yaml

HERE = "code/yadage/scatter_gather"
SCRIPTS = "code/python/scatter_gather"
INPUTS = [f"{HERE}/workflow.yml", f"{HERE}/steps.yml", f"{HERE}/inputs.yml", f"{SCRIPTS}/*.py"]
OUTPUTS = [
    "_generated/yadage_scatter_gather.svg",
    "_generated/scatter_gather_classifiers.png",
    "_generated/scatter_gather_scores.csv",
]


_SKIP = "graph-only"


def _register_skipping_executor() -> None:
    from packtivity.handlers.execution_handlers import executor

    @executor("localproc-env", _SKIP)
    def _graph_only(config, environment, state, job, metadata):  # noqa: ARG001
        return None  # pretend the command ran; publishing still happens as usual


def _graph(root: pathlib.Path, workdir: pathlib.Path) -> str:
    """Run the workflow without its commands in ``workdir``; return the dot source of its graph."""
    from packtivity.asyncbackends import ForegroundBackend
    from yadage.backends.packtivitybackend import PacktivityBackend
    from yadage.steering_api import steering_ctx
    from yadage.visualize import provdotgraph

    _register_skipping_executor()
    initdata = yaml.safe_load((root / HERE / "inputs.yml").read_text())
    initdata["scripts"] = str(root / SCRIPTS)
    skipping = ForegroundBackend(config={"executor": {"localproc-env": _SKIP}})
    backend = PacktivityBackend(packtivity_backend=skipping, backendopts={})
    with steering_ctx(
        dataarg=str(workdir),
        workflow="workflow.yml",
        toplevel=str(root / HERE),
        initdata=initdata,
        backend=backend,
        visualize=False,
    ) as steering:
        pass  # the workflow runs when this block ends
    return provdotgraph(steering.controller.adageobj).to_string()


def _tidy(dot: str) -> str:
    """Make yadage's graph stable and easier to read.

    - yadage names nodes by random UUIDs: replace them by n0, n1, ... in order of first appearance;
    - it writes edges in an order that changes between runs: move them, sorted, to the end;
    - leave out the `scripts` input (only the location of the code, used by every step) so that
      the picture shows how the data flows.
    """
    names: dict[str, str] = {}

    def rename(match: re.Match) -> str:
        return names.setdefault(match.group(0), f"n{len(names)}")

    dot = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", rename, dot)
    lines = [line for line in dot.splitlines() if "__scripts" not in line]
    edges = sorted(line for line in lines if " -> " in line)
    body = [line for line in lines if " -> " not in line]
    closing = len(body) - 1 - body[::-1].index("}")  # the graph's final closing brace
    return "\n".join(body[:closing] + edges + body[closing:]) + "\n"


def _run_script(script: pathlib.Path, *args: str) -> None:
    saved = sys.argv
    sys.argv = [str(script), *map(str, args)]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            runpy.run_path(str(script), run_name="__main__")
    finally:
        sys.argv = saved


def _figure(root: pathlib.Path, workdir: pathlib.Path) -> tuple[bytes, bytes]:
    """Run the three steps directly, in this process; return the merged figure and summary."""
    inputs = yaml.safe_load((root / HERE / "inputs.yml").read_text())
    scripts = root / SCRIPTS
    siblings = [p.stem for p in scripts.glob("*.py")]
    saved = {name: sys.modules.pop(name) for name in siblings if name in sys.modules}
    sys.path.insert(0, str(scripts))  # the steps import their sibling modules
    try:
        data = workdir / "moons.json"
        _run_script(scripts / "prepare_data.py", "--seed", inputs["seed"], "--output", data)
        results = []
        for name in inputs["classifiers"]:
            results.append(workdir / f"{name}.json")
            _run_script(scripts / "train_classifier.py", "--classifier", name, "--data", data, "--output", results[-1])
        figure = workdir / "classifiers.png"
        _run_script(
            scripts / "merge_and_plot.py", "--data", data, "--figure", figure,
            "--summary", workdir / "scores.csv", *results,
        )
        return figure.read_bytes(), (workdir / "scores.csv").read_bytes()
    finally:
        sys.path.remove(str(scripts))
        for name in siblings:  # leave no module of this tree behind, and restore any we hid
            sys.modules.pop(name, None)
        sys.modules.update(saved)


def generate(root: pathlib.Path) -> None:
    logging.disable(logging.INFO)  # yadage logs every step; only warnings matter here
    try:
        with tempfile.TemporaryDirectory() as tmp:
            dot = _tidy(_graph(root, pathlib.Path(tmp) / "work"))
            png, csv = _figure(root, pathlib.Path(tmp))
    finally:
        logging.disable(logging.NOTSET)
    svg = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=True).stdout
    svg = re.sub(r"<!-- Generated by graphviz[^>]*-->\n", "", svg)  # drop the version comment
    for name, data in zip(OUTPUTS, (svg.encode("utf-8"), png, csv)):
        out = root / name
        tmp_out = out.with_name(out.name + ".tmp")
        tmp_out.write_bytes(data)
        tmp_out.replace(out)
