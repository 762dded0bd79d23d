"""Figures and tables of the page "How much faster did it get?", from the committed bench results.

bench/results/slurm_speedup.json is written by `make bench` (bench/run_bench.py) on the local Slurm
cluster. Every number the page shows comes from it through the files made here; nothing is typed by
hand. Re-run the bench, commit the new results file, rebuild, and the page follows.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import runpy

INPUTS = ["bench/results/slurm_speedup.json", "bench/bench_names.py"]
OUTPUTS = [
    "_generated/bench_speedup.svg",
    "_generated/bench_gantt.svg",
    "_generated/bench_table.md",
    "_generated/bench_summary.md",
    "_generated/bench_machine.md",
]

# The methods' names and colours are kept once, with the bench that measures them.
_ROOT = pathlib.Path(__file__).resolve().parents[2]
_NAMES = runpy.run_path(str(_ROOT / "bench" / "bench_names.py"))
LABELS = {method: _NAMES["LABELS"][method] for method in _NAMES["METHODS"]}
COLOURS = _NAMES["COLOURS"]
SVG_METADATA = {"Date": None, "Creator": None}


def load(root: pathlib.Path) -> dict:
    record = json.loads((root / INPUTS[0]).read_text(encoding="utf-8"))
    for key in ("date", "machine", "tasks", "cores_used", "workloads"):
        if key not in record:
            raise ValueError(f"{INPUTS[0]} lacks '{key}': re-run `make bench`")
    record["workloads"].sort(key=lambda entry: entry["cv_repeats"])
    for entry in record["workloads"]:
        if "serial" not in entry["runs"] or "array" not in entry["runs"]:
            raise ValueError(
                f"{INPUTS[0]}: workload {entry['cv_repeats']} lacks the serial or array run"
            )
    return record


def rows(record: dict) -> list[dict]:
    """One row per (workload, method) with the derived numbers."""
    n, cores = len(record["tasks"]), record["cores_used"]
    out = []
    for entry in record["workloads"]:
        runs = entry["runs"]
        serial, array = runs["serial"]["seconds"], runs["array"]["seconds"]
        for method in [m for m in LABELS if m in runs]:
            run = runs[method]
            speedup = serial / run["seconds"]
            out.append(
                {
                    "cv": entry["cv_repeats"],
                    "method": method,
                    "seconds": run["seconds"],
                    "per_task": serial / n,
                    "speedup": speedup,
                    "efficiency": speedup / cores,
                    "extra_per_job": (run["seconds"] - array) / n,
                    "load": run.get("load_before"),
                    "identical": run.get("results_identical_to_serial"),
                    "other_jobs": run.get("other_jobs", 0),
                }
            )
    return out


def seconds_since(stamp: str, origin: dt.datetime) -> float:
    return (dt.datetime.fromisoformat(stamp) - origin).total_seconds()


def speedup_figure(record: dict, path: pathlib.Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "lesson-bench"
    table = rows(record)
    cores = record["cores_used"]
    workloads = [e["cv_repeats"] for e in record["workloads"]]
    methods = [m for m in LABELS if any(r["method"] == m for r in table)]
    fig, ax = plt.subplots(figsize=(8, 5))
    width = 0.8 / len(methods)
    for i, method in enumerate(methods):
        xs, ys = [], []
        for j, cv in enumerate(workloads):
            match = [r for r in table if r["cv"] == cv and r["method"] == method]
            if match:
                xs.append(j + (i - (len(methods) - 1) / 2) * width)
                ys.append(match[0]["speedup"])
        ax.bar(xs, ys, width, label=LABELS[method], color=COLOURS[method])
    for j, entry in enumerate(record["workloads"]):
        if "ceiling" in entry:  # what two plain processes reached at the same time, outside Slurm
            ax.hlines(
                entry["ceiling"]["ceiling_speedup"],
                j - 0.42,
                j + 0.42,
                color="black",
                linewidth=1.2,
                linestyle=":",
                label="two cores at most, measured (two plain processes)" if j == 0 else None,
            )
    ax.axhline(1, color="black", linewidth=0.8)
    ax.axhline(cores, color="black", linewidth=0.8, linestyle="--")
    ax.text(-0.45, cores, f"ideal: {cores} cores", va="bottom", ha="left", fontsize=8)
    ax.set_xticks(range(len(workloads)))
    per_task = {r["cv"]: r["per_task"] for r in table}
    ax.set_xticklabels(
        [f"--cv-repeats {cv}\n(about {per_task[cv]:.1f} s of work per task)" for cv in workloads]
    )
    ax.set_ylabel("speedup over the serial job")
    ax.set_ylim(0, max(cores * 1.15, max(r["speedup"] for r in table) * 1.1))
    right = ax.secondary_yaxis(
        "right", functions=(lambda s: 100 * s / cores, lambda e: e * cores / 100)
    )
    right.set_ylabel("parallel efficiency (%)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False)
    ax.set_title(f"{len(record['tasks'])} training tasks on a {cores}-core Slurm node", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata=SVG_METADATA)
    plt.close(fig)


def gantt_figure(record: dict, path: pathlib.Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "lesson-bench"
    heaviest = max(record["workloads"], key=lambda e: e["cv_repeats"])
    panels = [
        m for m in ("array", "snakemake_slurm_tuned") if heaviest["runs"].get(m, {}).get("jobs")
    ]
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(8, 1.6 + 1.9 * len(panels)), sharex=True, squeeze=False
    )
    for ax, method in zip(axes[:, 0], panels, strict=True):
        jobs = sorted(heaviest["runs"][method]["jobs"], key=lambda j: (j["Start"], j["JobID"]))
        origin = min(dt.datetime.fromisoformat(j["Submit"]) for j in jobs)
        for y, job in enumerate(jobs):
            submit = seconds_since(job["Submit"], origin)
            start = seconds_since(job["Start"], origin)
            end = seconds_since(job["End"], origin)
            ax.barh(
                y, start - submit, left=submit, color="#DDDDDD", edgecolor="#999999", height=0.6
            )
            ax.barh(y, max(end - start, 0.3), left=start, color=COLOURS[method], height=0.6)
        ax.set_yticks(range(len(jobs)))
        ax.set_yticklabels([j["JobID"] for j in jobs], fontsize=7)
        ax.invert_yaxis()
        ax.set_title(
            f"{LABELS[method]} (--cv-repeats {heaviest['cv_repeats']}): "
            f"{heaviest['runs'][method]['seconds']:.0f} s in all",
            fontsize=9,
        )
        ax.set_ylabel("Slurm job", fontsize=8)
    axes[-1, 0].set_xlabel(
        "seconds since the first job was submitted (grey: waiting in the queue, colour: running)"
    )
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata=SVG_METADATA)
    plt.close(fig)


def table_markdown(record: dict) -> str:
    lines = [
        "| work per task | how it ran | time (s) | speedup | efficiency | vs. array, per job "
        "| load |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows(record):
        extra = "" if r["method"] in ("serial", "array") else f"{r['extra_per_job']:+.1f} s"
        note = "" if r["identical"] else " (results differ!)"
        if r["other_jobs"]:
            note += (
                f" ({r['other_jobs']} other job{'s' if r['other_jobs'] > 1 else ''} on the node)"
            )
        load = "" if r["load"] is None else f"{r['load']:.1f}"
        lines.append(
            f"| {r['per_task']:.1f} s (--cv-repeats {r['cv']}) | {LABELS[r['method']]}{note} | "
            f"{r['seconds']:.1f} | {r['speedup']:.2f} | {r['efficiency']:.0%} | {extra} | {load} |"
        )
    lines.append("")
    return "\n".join(lines)


def machine_markdown(record: dict) -> str:
    m = record["machine"]
    v = m["versions"]
    date = record["date"][:10]
    return (
        f"Measured on {date} on one machine: {m['cores']} cores ({m['cpu_model']}), "
        f"{m['memory_gib']} GiB of memory, {m['os']}; Slurm {v['slurm'].removeprefix('slurm ')} "
        f"(single node, {m['slurm_node']}), Snakemake {v['snakemake']} with "
        f"snakemake-executor-plugin-slurm {v['snakemake-executor-plugin-slurm']}, Python "
        f"{v['python']}, scikit-learn {v['scikit-learn']}. The whole benchmark took "
        f"{record.get('bench_seconds', 0) / 60:.0f} minutes. The {len(record['tasks'])} tasks "
        f"(neighbour count and metric): {', '.join(record['tasks'])}.\n"
    )


def summary_markdown(record: dict) -> str:
    table = rows(record)
    n, cores = len(record["tasks"]), record["cores_used"]
    light = min(e["cv_repeats"] for e in record["workloads"])
    heavy = max(e["cv_repeats"] for e in record["workloads"])

    def get(cv, method):
        match = [r for r in table if r["cv"] == cv and r["method"] == method]
        return match[0] if match else None

    lines = []
    a_heavy, a_light = get(heavy, "array"), get(light, "array")
    lines.append(
        f"- With about {a_heavy['per_task']:.1f} s of work per task, the array job was "
        f"**{a_heavy['speedup']:.2f} times** as fast as the serial job: "
        f"{a_heavy['efficiency']:.0%} of the ideal {cores}x."
    )
    ceiling = next(e for e in record["workloads"] if e["cv_repeats"] == heavy).get("ceiling")
    if ceiling:
        lines.append(
            f"- The ideal assumes that two cores work as fast together as one alone. Just before "
            f"these runs, one training task took {ceiling['alone_seconds']:.1f} s alone and "
            f"{ceiling['two_at_once_seconds']:.1f} s when two copies ran at the same time (plain "
            f"processes, no Slurm), so the machine itself allowed at most "
            f"**{ceiling['ceiling_speedup']:.2f} times**; the array job reached "
            f"{a_heavy['speedup'] / ceiling['ceiling_speedup']:.0%} of that. On a virtual machine "
            "the cores share caches, memory and often the host with other machines."
        )
    lines.append(
        f"- With about {a_light['per_task']:.1f} s of work per task, the array job took "
        f"{a_light['seconds']:.1f} s against the serial job's "
        f"{get(light, 'serial')['seconds']:.1f} s: "
        f"a speedup of **{a_light['speedup']:.2f}**"
        + (" (slower than not parallelising at all)." if a_light["speedup"] < 1 else ".")
    )
    for method in ("snakemake_slurm_default", "snakemake_slurm_tuned"):
        r = get(heavy, method)
        if r:
            lines.append(
                f"- {LABELS[method]}, heaviest work: {r['seconds']:.1f} s, "
                f"**{r['extra_per_job']:+.1f} s per job** compared with the array job "
                f"({n} jobs)."
            )
    runs = heavy_runs = next(e for e in record["workloads"] if e["cv_repeats"] == heavy)["runs"]
    jobs = runs.get("array", {}).get("jobs", [])
    if jobs:
        elapsed = [seconds_since(j["End"], dt.datetime.fromisoformat(j["Start"])) for j in jobs]
        lines.append(
            f"- In the heaviest array run each task ran for {min(elapsed):.0f} to "
            f"{max(elapsed):.0f} s (sacct start to end, whole seconds), against "
            f"{heavy_runs['serial']['seconds'] / n:.1f} s per task inside the serial job. "
            "A separate "
            "job pays for starting Python and loading its libraries each time; the machine's "
            "changing load (last column of the table) shifts both numbers too."
        )
    smk = runs.get("snakemake_slurm_tuned", {}).get("jobs", [])
    if jobs and smk:

        def mean_run(js):
            return sum(
                seconds_since(j["End"], dt.datetime.fromisoformat(j["Start"])) for j in js
            ) / len(js)

        if mean_run(smk) > mean_run(jobs):
            lines.append(
                f"- Why Snakemake on Slurm costs more per job even with 1 s checks: its Slurm jobs "
                f"ran for {mean_run(smk):.1f} s on average, the array tasks for "
                f"{mean_run(jobs):.1f} s, for the same training (Snakemake starts again inside "
                "every job, twice, before it runs the command, and those starts compete for the "
                "same cores)."
            )
        else:
            lines.append(
                f"- In this run Snakemake's Slurm jobs ran for {mean_run(smk):.1f} s on average "
                "and "
                f"the array tasks for {mean_run(jobs):.1f} s, for the same training: the machine's "
                "speed changed between the two runs by more than Snakemake's own cost. That cost "
                "shows at the lightest workload, where the training itself takes almost no time."
            )
    tuned = runs.get("snakemake_slurm_tuned", {}).get("driver_cpu_seconds")
    array_cpu = runs.get("array", {}).get("driver_cpu_seconds")
    if tuned is not None and array_cpu is not None:
        lines.append(
            f"- On this one machine the submitting side shares the two cores with the jobs. While "
            f"the array job ran, submitting it and polling the queue used {array_cpu:.1f} s "
            "of CPU; "
            f"the main Snakemake process with its 1 s status checks used {tuned:.1f} s. On a real "
            "cluster that runs on the login node, not on the compute nodes."
        )
    if any(not r["identical"] for r in table):
        lines.append("- **Warning:** some runs did not reproduce the serial run's result files.")
    else:
        lines.append("- Every run wrote result files byte-identical to the serial job's.")
    lines.append("")
    return "\n".join(lines)


def generate(root: pathlib.Path) -> None:
    record = load(root)
    out = root / "_generated"
    speedup_figure(record, out / "bench_speedup.svg")
    gantt_figure(record, out / "bench_gantt.svg")
    (out / "bench_table.md").write_text(table_markdown(record), encoding="utf-8")
    (out / "bench_summary.md").write_text(summary_markdown(record), encoding="utf-8")
    (out / "bench_machine.md").write_text(machine_markdown(record), encoding="utf-8")
