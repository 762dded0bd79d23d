"""The array chapter's two diagrams, drawn from what the example's own scripts do.

- _generated/array_task_to_files.svg: how an array task's index picks a line of the parameter
  file, the combination on it and that combination's two result files (Graphviz's `dot`).
- _generated/array_pipeline_timeline.svg: the preprocess -> array -> collect chain on a time
  axis, and which job waits for which (Matplotlib).

Both come from one real run of slurm/scikit_example/submit_pipeline.sh, in a temporary copy of the
example, with a stand-in for `sbatch` first on PATH that records each call and prints a job ID
(101, 102, ...): the parameter file is the one the pipeline's array reads, and the jobs, their
order, their --dependency and --array options are the ones the script passes. The durations in
the timeline are a sketch; the speedup chapter shows measured ones.
"""

from __future__ import annotations

import html
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

from lessontest.tree import example_grid

INPUTS = ["code/python/scikit_example/*.py", "code/slurm/scikit_example/*.sh"]
OUTPUTS = ["_generated/array_task_to_files.svg", "_generated/array_pipeline_timeline.svg"]
PIPELINE = "slurm/scikit_example/submit_pipeline.sh"
FIRST_JOB_ID = 101
SHOWN_TASK = 3  # the task the chapter runs by hand (SLURM_ARRAY_TASK_ID=3)
FIRST_ROWS = 5  # lines 0-4 of the parameter file, then a gap, then its last line

# Prints FIRST_JOB_ID, FIRST_JOB_ID + 1, ...; writes one line per call, its arguments separated by
# tabs (none of the pipeline's arguments holds a tab).
FAKE_SBATCH = f"""#!/bin/sh
printf '%s\\t' "$@" >> "$FAKE_SBATCH_LOG"
echo >> "$FAKE_SBATCH_LOG"
echo $(( {FIRST_JOB_ID - 1} + $(wc -l < "$FAKE_SBATCH_LOG") ))
"""


def submit_pipeline(root: pathlib.Path, work: pathlib.Path) -> list[dict]:
    """Run the pipeline script from a copy of the example in `work`; return its sbatch calls."""
    code = work / "code"
    for part in ("python/scikit_example", "slurm/scikit_example"):
        shutil.copytree(
            root / "code" / part, code / part, ignore=shutil.ignore_patterns("__pycache__")
        )
    bin_dir = work / "bin"
    bin_dir.mkdir()
    (bin_dir / "sbatch").write_text(FAKE_SBATCH)
    (bin_dir / "sbatch").chmod(0o755)
    log = work / "sbatch.log"
    venv_bin = pathlib.Path(sys.executable).parent
    path = os.pathsep.join([str(bin_dir), str(venv_bin), "/usr/bin", "/bin"])
    done = subprocess.run(
        ["bash", PIPELINE],
        cwd=code,
        env={"PATH": path, "HOME": str(work), "FAKE_SBATCH_LOG": str(log)},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"array_figures: {PIPELINE} failed:\n{done.stderr}")
    calls = []
    for number, line in enumerate(log.read_text().splitlines()):
        args = line.split("\t")[:-1]
        script = next(i for i, arg in enumerate(args) if not arg.startswith("-"))
        options = dict(arg.partition("=")[::2] for arg in args[:script])
        calls.append(
            {
                "id": FIRST_JOB_ID + number,
                "name": pathlib.Path(args[script]).stem,
                "dependency": options.get("--dependency"),
                "array": options.get("--array"),
                "args": args[script + 1 :],
                "code": code,
            }
        )
    return calls


def parameter_lines(calls: list[dict]) -> list[str]:
    """The lines of the parameter file that the pipeline's array job reads."""
    (array,) = [call for call in calls if call["array"]]
    (name,) = array["args"]
    return (array["code"] / name).read_text().splitlines()


# --- the task -> line -> files diagram ----------------------------------------------------------

FONT = 'fontname="DejaVu Sans", fontsize=14'
MONO = "DejaVu Sans Mono"
HIGHLIGHT = "#fde68a"  # the chosen row: dark text on it reads at 15:1


def mapping_dot(lines: list[str], result_name, task: int = SHOWN_TASK) -> str:
    """Graphviz source: the table of task indices and parameter lines, the chosen task's row
    highlighted, and what that task trains and writes (`result_name` is the example's own)."""
    last = len(lines) - 1
    shown = list(range(min(FIRST_ROWS, len(lines))))
    if last not in shown:
        shown.append(last)
    rows = []
    for index in shown:
        if rows and index != shown[shown.index(index) - 1] + 1:
            rows.append('<tr><td colspan="2">&#8942;</td></tr>')  # vertical ellipsis
        fill = f' bgcolor="{HIGHLIGHT}"' if index == task else ""
        rows.append(
            f'<tr><td{fill} port="t{index}">task {index}</td>'
            f'<td{fill} port="l{index}"><font face="{MONO}">{html.escape(lines[index])}</font></td>'
            "</tr>"
        )
    table = (
        '<<table border="0" cellborder="1" cellspacing="0" cellpadding="5">'
        "<tr><td><b>array task</b></td><td><b>params.txt line</b></td></tr>"
        + "".join(rows)
        + "</table>>"
    )
    k, metric = lines[task].split()
    name = result_name(int(k), metric)
    submit = f"sbatch --array=0-{last}: {len(lines)} tasks,\\nSLURM_ARRAY_TASK_ID = 0 ... {last}"
    combo = "<br/>".join(
        [
            f"task {task} runs train_one.py --index {task}:",
            f"line {task} (from 0) is K = {k},",
            f"metric = {html.escape(metric)}",
        ]
    )
    files = "".join(
        f'<tr><td align="left"><font face="{MONO}">results/{name}.{ext}</font></td></tr>'
        for ext in ("json", "png")
    )
    return f"""digraph array_task {{
  graph [bgcolor=white, margin=0.1, nodesep=0.3, ranksep=0.35, {FONT}];
  node [shape=box, style=rounded, color="#444444", {FONT}];
  edge [color="#444444", {FONT}];
  submit [label="{submit}"];
  table [shape=plain, label={table}];
  combo [label=<{combo}>];
  files [shape=plain, label=<<table border="1" cellborder="0" cellspacing="0" cellpadding="4"
    style="rounded"><tr><td><b>its two result files</b></td></tr>{files}</table>>];
  submit -> table;
  table:l{task}:e -> combo:n;
  combo -> files;
}}
"""


def svg(dot_source: str) -> str:
    """Lay out a graph with Graphviz's `dot`, without its version comment."""
    dot = shutil.which("dot")
    if dot is None:
        raise SystemExit("array_figures: needs Graphviz's dot (apt-get install graphviz)")
    out = subprocess.run(
        [dot, "-Tsvg"], input=dot_source, capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"<!-- Generated by graphviz[^>]*-->\n", "", out)


# --- the pipeline on a time axis ----------------------------------------------------------------

WAIT_DEPENDENCY, WAIT_CORE, RUN, LINE = "#d9d9d9", "#f2f2f2", "#3b6ea8", "#444444"
TIMELINE_FONT = 10
TIMELINE_FIGSIZE = (4.0, 3.4)  # inches: 288 pt, which a browser shows 384 px wide


def timeline_rows(calls: list[dict]) -> list[dict]:
    """One row per job (for the array: its first two tasks, a gap, its last task), with a sketch
    of when it waits and when it runs, in made-up time units.

    A job that has a --dependency waits (squeue's reason: Dependency) until the job it names has
    ended, every task of it for an array; the array's last task then also waits for a free core.
    """
    rows, end_of = [], {}
    for call in calls:
        waits_for = int(call["dependency"].split(":")[1]) if call["dependency"] else None
        start = end_of[waits_for] if waits_for else 0.3
        tasks = [(None, 2.0, 0.0)]  # (task index, running time, wait for a core)
        if call["array"]:
            first, last = map(int, call["array"].split("-"))
            tasks = [(first, 3.0, 0.0), (first + 1, 2.6, 0.0), (last, 2.8, 3.0)]
        for task, length, queue in tasks:
            if call["array"] and task == last and last > first + 2:
                rows.append({"label": "\u22ee", "bars": []})  # the tasks in between
            ready = start if waits_for else 0.0
            rows.append(
                {
                    "label": f"{call['name']} {call['id']}" + ("" if task is None else f"_{task}"),
                    "job": call["id"],
                    "waits_for": waits_for,
                    "dependency": call["dependency"],
                    "bars": [
                        (0.0, ready, WAIT_DEPENDENCY, "//"),
                        (ready, start + queue, WAIT_CORE, ""),
                        (start + queue, start + queue + length, RUN, ""),
                    ],
                }
            )
        end_of[call["id"]] = max(row["bars"][-1][1] for row in rows if row.get("job") == call["id"])
    return rows


def timeline_figure(calls: list[dict], path: pathlib.Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "lesson-array"
    plt.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, and the test reads it
    rows = timeline_rows(calls)
    fig, ax = plt.subplots(figsize=TIMELINE_FIGSIZE, layout="constrained")
    for y, row in enumerate(rows):
        for start, end, colour, hatch in row["bars"]:
            if end > start:
                ax.barh(
                    y,
                    end - start,
                    left=start,
                    height=0.6,
                    color=colour,
                    hatch=hatch,
                    edgecolor=LINE,
                    linewidth=0.5,
                )
    # One arrow per dependency: from the end of the job waited for (its last row) down through
    # every row of the job that waits, labelled with the --dependency option it was given.
    drawn = set()
    for y, row in enumerate(rows):
        if not row.get("waits_for") or row["job"] in drawn:
            continue
        drawn.add(row["job"])
        source = max(i for i, other in enumerate(rows) if other.get("job") == row["waits_for"])
        target = max(i for i, other in enumerate(rows) if other.get("job") == row["job"])
        x = row["bars"][0][1]
        end = target + 0.3 if target > y else y - 0.3
        ax.annotate(
            "",
            xy=(x, end),
            xytext=(x, source + 0.3),
            arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1},
        )
        ax.text(
            x + 0.12,
            (source + y) / 2,
            row["dependency"],
            ha="left",
            va="center",
            fontsize=TIMELINE_FONT,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([row["label"] for row in rows], fontsize=TIMELINE_FONT)
    ax.tick_params(axis="y", length=0)
    ax.invert_yaxis()
    ax.set_xticks([0])
    ax.set_xticklabels(["all three submitted"], fontsize=TIMELINE_FONT, ha="left")
    ax.set_xlabel("time (a sketch, not to scale)", fontsize=TIMELINE_FONT)
    ax.set_xlim(0, max(row["bars"][-1][1] for row in rows if row["bars"]) + 0.2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = [
        plt.Rectangle((0, 0), 1, 1, facecolor=WAIT_DEPENDENCY, hatch="//", edgecolor=LINE),
        plt.Rectangle((0, 0), 1, 1, facecolor=WAIT_CORE, edgecolor=LINE),
        plt.Rectangle((0, 0), 1, 1, facecolor=RUN, edgecolor=LINE),
    ]
    fig.legend(
        handles,
        ["pending: (Dependency)", "pending: (Resources), no free core", "running"],
        loc="outside lower center",
        ncols=1,
        fontsize=TIMELINE_FONT,
        frameon=False,
    )
    fig.set_facecolor("white")
    fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)


def generate(root: pathlib.Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        calls = submit_pipeline(root, pathlib.Path(tmp))
        lines = parameter_lines(calls)
        # The example's own naming of result files.
        names = {(k, metric): name for k, metric, name in example_grid(root / "code")}
        outputs = [root / name for name in OUTPUTS]
        staged = [out.with_name(out.name + ".tmp") for out in outputs]
        staged[0].write_text(svg(mapping_dot(lines, lambda k, metric: names[(k, metric)])))
        timeline_figure(calls, staged[1])
    for tmp_out, out in zip(staged, outputs, strict=True):
        tmp_out.replace(out)
