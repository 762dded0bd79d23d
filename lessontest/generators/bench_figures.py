"""Figures and tables of the page "How much faster did it get?", from the committed bench results.

bench/results/slurm_speedup.json is written by `make bench` (bench/run_bench.py) on the local Slurm
cluster. Every number the page shows comes from it through the files made here; nothing is typed by
hand. Re-run the bench, commit the new results file, rebuild, and the page follows.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib

import bench_names

INPUTS = [
    "bench/results/slurm_speedup.json",
    "bench/bench_names.py",
    "bench/results/slurm_array_jobs.json",
]
OUTPUTS = [
    "_generated/bench_speedup.svg",
    "_generated/bench_gantt.svg",
    "_generated/bench_table.md",
    "_generated/bench_summary.md",
    "_generated/bench_machine.md",
    "_generated/bench_overhead.md",
    "_generated/bench_array_jobs.md",
]

# The methods' names and colours are kept once, with the bench that measures them.
LABELS = {method: bench_names.LABELS[method] for method in bench_names.METHODS}
COLOURS = bench_names.COLOURS
SVG_METADATA = {"Date": None, "Creator": None}


def load(root: pathlib.Path, name: str = INPUTS[0]) -> dict:
    record = json.loads((root / name).read_text(encoding="utf-8"))
    for key in ("date", "machine", "tasks", "cores_used", "workloads"):
        if key not in record:
            raise ValueError(f"{name} lacks '{key}': re-run the bench that writes it")
    record["workloads"].sort(key=lambda entry: entry["cv_repeats"])
    for entry in record["workloads"]:
        if "serial" not in entry["runs"] or "array" not in entry["runs"]:
            raise ValueError(
                f"{name}: workload {entry['cv_repeats']} lacks the serial or array run"
            )
    return record


def rows(record: dict) -> list[dict]:
    """One row per (workload, method) with the derived numbers.

    The serial job runs on one core and is the baseline: its speedup is 1 by definition, and it has
    no parallel efficiency (None), where speedup / cores would wrongly read as half the cores idle.
    """
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
                    "efficiency": None if method == "serial" else speedup / cores,
                    "extra_per_job": (run["seconds"] - array) / n,
                    "load": run.get("load_before"),
                    "identical": run.get("results_identical_to_serial"),
                    "other_jobs": run.get("other_jobs", 0),
                }
            )
    return out


def seconds_since(stamp: str, origin: dt.datetime) -> float:
    return (dt.datetime.fromisoformat(stamp) - origin).total_seconds()


# The speedup figure is drawn for a phone's width (about 340 CSS px of content at 375 px): an SVG
# shows at its natural size of 72 px per inch at most, and scales down on narrower screens.
SPEEDUP_FIGSIZE = (4.8, 5.8)
FONT = 11  # points; at a phone's width the figure shows at about 0.9 of its natural size


def speedup_plot(record: dict):
    """The speedup figure: one group of bars per workload, the legend below the axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "lesson-bench"
    table = rows(record)
    cores = record["cores_used"]
    workloads = [e["cv_repeats"] for e in record["workloads"]]
    # The serial job is the line at 1 (its speedup is 1 by definition), not a bar of its own.
    methods = [m for m in LABELS if m != "serial" and any(r["method"] == m for r in table)]
    fig, ax = plt.subplots(figsize=SPEEDUP_FIGSIZE, layout="constrained")
    width = 0.84 / len(methods)
    for i, method in enumerate(methods):
        xs, ys = [], []
        for j, cv in enumerate(workloads):
            match = [r for r in table if r["cv"] == cv and r["method"] == method]
            if match:
                xs.append(j + (i - (len(methods) - 1) / 2) * width)
                ys.append(match[0]["speedup"])
        ax.bar(xs, ys, width, label=LABELS[method], color=COLOURS[method])
    ax.axhline(cores, color="black", linewidth=0.8, linestyle="--", label=f"ideal: {cores} cores")
    for j, entry in enumerate(record["workloads"]):
        if "ceiling" in entry:  # what two plain processes reached at the same time, outside Slurm
            ax.hlines(
                entry["ceiling"]["ceiling_speedup"],
                j - 0.45,
                j + 0.45,
                color="black",
                linewidth=1.4,
                linestyle=":",
                label="measured ceiling (two plain processes)" if j == 0 else None,
            )
    ax.axhline(1, color="black", linewidth=1.0, label="serial job (speedup 1)")
    ax.set_xticks(range(len(workloads)))
    per_task = {r["cv"]: r["per_task"] for r in table}
    ax.set_xticklabels(
        [f"{per_task[cv]:.1f} s\n({cv} repeat{'s' * (cv != 1)})" for cv in workloads], fontsize=FONT
    )
    ax.set_xlabel("work per task (--cv-repeats N)", fontsize=FONT)
    ax.set_xlim(-0.5, len(workloads) - 0.5)
    ax.set_ylabel("speedup over the serial job", fontsize=FONT)
    ax.set_ylim(0, max(cores * 1.15, max(r["speedup"] for r in table) * 1.1))
    right = ax.secondary_yaxis(
        "right", functions=(lambda s: 100 * s / cores, lambda e: e * cores / 100)
    )
    right.set_ylabel("parallel efficiency (%)", fontsize=FONT)
    ax.tick_params(labelsize=FONT)
    right.tick_params(labelsize=FONT)
    ax.set_title(f"{len(record['tasks'])} training tasks, {cores}-core Slurm node", fontsize=FONT)
    fig.legend(loc="outside lower center", ncols=1, fontsize=FONT - 1, frameon=False)
    return fig


def speedup_figure(record: dict, path: pathlib.Path) -> None:
    import matplotlib.pyplot as plt

    fig = speedup_plot(record)
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
    """The table's numbers pivoted for a phone: one small table per quantity, one row per way of
    running, one column per workload (its work per task), so no row repeats the workload.

    Options are inline code, so that they can be copied: in plain table text Sphinx's smartquotes
    would turn `--` into an en dash.
    """
    table = rows(record)
    cores = record["cores_used"]
    workloads = [e["cv_repeats"] for e in record["workloads"]]
    per_task = {r["cv"]: r["per_task"] for r in table}
    methods = [m for m in LABELS if any(r["method"] == m for r in table)]
    cell = {(r["method"], r["cv"]): r for r in table}

    def note(r: dict) -> str:
        text = "" if r["identical"] else " (results differ!)"
        if r["other_jobs"]:
            s = "s" if r["other_jobs"] > 1 else ""
            text += f" ({r['other_jobs']} other job{s} on the node)"
        return text

    def speedup(r: dict) -> str:
        efficiency = "—" if r["efficiency"] is None else f"{r['efficiency']:.0%}"
        return f"{r['speedup']:.2f} ({efficiency})"

    quantities = [
        (
            "**Time** in seconds, from the first submission until the last job left the queue:",
            methods,
            lambda r: f"{r['seconds']:.1f}{note(r)}",
        ),
        (
            f"**Speedup** over the serial job, and in brackets the parallel efficiency (the "
            f"speedup divided by the {cores} cores). The serial job has none (—): it runs on one "
            "core, which it keeps busy by definition, and it is the baseline the others are "
            "measured against:",
            methods,
            speedup,
        ),
        (
            "**vs. array, per job**: the extra time per job compared with the array job, in "
            "seconds:",
            [m for m in methods if m not in ("serial", "array")],
            lambda r: f"{r['extra_per_job']:+.1f}",
        ),
        (
            "**Load**: the machine's load average just before the run:",
            methods,
            lambda r: "" if r["load"] is None else f"{r['load']:.1f}",
        ),
    ]
    options = ", ".join(f"`--cv-repeats {cv}`" for cv in workloads)
    lines = [
        "Each table has one row per way of running and one column per amount of work per task "
        f"({options}, in this order).",
        "",
    ]
    for title, shown, value in quantities:
        lines += [
            title,
            "",
            # a no-break space keeps "0.8 s" on one line in a narrow column
            "| how it ran | " + " | ".join(f"{per_task[cv]:.1f}\u00a0s" for cv in workloads) + " |",
            "| --- |" + " ---: |" * len(workloads),
        ]
        for method in shown:
            values = [value(cell[method, cv]) if (method, cv) in cell else "" for cv in workloads]
            lines.append(f"| {LABELS[method]} | " + " | ".join(values) + " |")
        lines.append("")
    return "\n".join(lines)


def overhead(record: dict) -> list[dict]:
    """Exercise speedup-1's answer for each workload, with the exercise's own formulas.

    The array job's extra time over perfect sharing of the serial work, per task:
    s = (array time - serial time / c) * c / n. For 90 % efficiency, w / (w + s) >= 0.9, that is
    w >= 9 s: the work per task must be at least nine times the overhead.
    """
    n, cores = len(record["tasks"]), record["cores_used"]
    out = []
    for entry in record["workloads"]:
        serial = entry["runs"]["serial"]["seconds"]
        array = entry["runs"]["array"]["seconds"]
        s = (array - serial / cores) * cores / n
        ceiling = entry.get("ceiling", {}).get("ceiling_speedup")
        out.append(
            {
                "cv": entry["cv_repeats"],
                "per_task": serial / n,
                "serial": serial,
                "array": array,
                "overhead": s,
                "min_work": 9 * s,
                # the part of s that is only the cores slowing each other down (plain processes)
                "sharing": (serial / ceiling - serial / cores) * cores / n if ceiling else None,
            }
        )
    return out


def overhead_markdown(record: dict) -> str:
    n, cores = len(record["tasks"]), record["cores_used"]
    found = overhead(record)
    light = min(found, key=lambda o: o["cv"])

    def worked(o: dict) -> str:
        s = round(o["overhead"], 1)  # the product is written with the s the reader sees
        return (
            f"`s ≈ ({o['array']:.2f} − {o['serial']:.2f} / {cores}) × {cores} / {n} "
            f"≈ {s:.1f} s`, so `w ≥ 9 × {s:.1f} s ≈ {9 * s:.0f} s`"
        )

    lines = [
        f"With the recorded numbers ({n} tasks, `c = {cores}` cores) and the lightest workload "
        f"(`--cv-repeats {light['cv']}`, about {light['per_task']:.1f} s of work per task), where "
        f"the overhead weighs most: the array job took {light['array']:.2f} s and the serial job "
        f"{light['serial']:.2f} s, so {worked(light)} of work per task.",
        "",
        "The same for the other workloads:",
        "",
    ]
    for o in found:
        if o is light:
            continue
        line = f"- `--cv-repeats {o['cv']}`: {worked(o)}."
        if o["sharing"] is not None and o["sharing"] > 0.25 * o["overhead"]:
            line += (
                f" Here `s` also counts that two tasks running at once were each slower than one "
                f"alone (the dotted ceiling in the figure): that alone accounts for about "
                f"{o['sharing']:.1f} s of it, which is not a cost of separate jobs."
            )
        lines.append(line)
    lines.append("")
    return "\n".join(lines)


def machine_markdown(record: dict) -> str:
    m = record["machine"]
    v = m["versions"]
    date = record["date"][:10]
    return (
        f"Measured on {date} on one machine: {m['cores']} cores ({m['cpu_model']}), "
        f"{m['memory_gib']} GiB of memory, {m['os']}; Slurm {v['slurm'].removeprefix('slurm ')} "
        f"({bench_names.cluster_nodes(m)}), Snakemake {v['snakemake']} with "
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
            "changing load (the load table above) shifts both numbers too."
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


def _time_split(record: dict, run: dict) -> tuple[float, float]:
    """(a job's mean run time, the run's time outside its jobs), in seconds, from sacct's times:
    outside is before the first submission and after the last job ended."""
    jobs = run["jobs"]
    origin = dt.datetime.fromisoformat(min(job["Submit"] for job in jobs))
    last = max(seconds_since(job["End"], origin) for job in jobs)
    runs = [seconds_since(job["End"], origin) - seconds_since(job["Start"], origin) for job in jobs]
    return sum(runs) / len(runs), run["seconds"] - last


def where_the_time_went(record: dict) -> str:
    """Per workload and way of running: a job's mean run time (sacct's start to end), and the
    run's time outside its jobs (before the first submission and after the last job ended)."""
    lines = [
        "**Where the time went**, in seconds: a job's mean run time (from its start to its end, "
        "as `sacct` says), and the time of the whole run outside its jobs (before the first "
        "submission and after the last job ended):",
        "",
        "| how it ran | work per task | mean job run time | outside the jobs |",
        "| --- | ---: | ---: | ---: |",
    ]
    n = len(record["tasks"])
    for entry in record["workloads"]:
        per_task = entry["runs"]["serial"]["seconds"] / n
        for method in [m for m in LABELS if m != "serial" and m in entry["runs"]]:
            run = entry["runs"][method]
            jobs = run["jobs"]
            if not jobs:
                continue
            mean, outside = _time_split(record, run)
            lines.append(
                f"| {LABELS[method]} | {per_task:.1f}\u00a0s | {mean:.1f} | {outside:.1f} |"
            )
    return "\n".join(lines) + "\n"


def array_jobs_verdict(record: dict) -> str:
    """One sentence per workload: did Snakemake's array job cost less per job than one Slurm job
    per rule job, and where the difference was (in the jobs, or outside them)."""
    table = {(r["cv"], r["method"]): r for r in rows(record)}
    out = []
    for entry in record["workloads"]:
        cv, runs = entry["cv_repeats"], entry["runs"]
        if "snakemake_slurm_array" not in runs or "snakemake_slurm_tuned" not in runs:
            continue
        as_array = table[cv, "snakemake_slurm_array"]
        per_job = table[cv, "snakemake_slurm_tuned"]
        went = {
            m: _time_split(record, runs[m])
            for m in ("snakemake_slurm_array", "snakemake_slurm_tuned")
        }
        verdict = "less" if as_array["extra_per_job"] < per_job["extra_per_job"] else "more"
        inside = went["snakemake_slurm_array"][0] - went["snakemake_slurm_tuned"][0]
        outside = went["snakemake_slurm_array"][1] - went["snakemake_slurm_tuned"][1]
        out.append(
            f"- With {as_array['per_task']:.1f} s of work per task, Snakemake with the train "
            f"jobs as one array cost {as_array['extra_per_job']:+.1f} s per job over the plain "
            f"array job, and with one Slurm job per rule job {per_job['extra_per_job']:+.1f} s: "
            f"{verdict} "
            f"with the array. Its jobs' mean run time differed by {inside:+.1f} s, and the time "
            f"outside the jobs by {outside:+.1f} s."
        )
    return "\n".join(out) + "\n"


def array_jobs_markdown(record: dict) -> str:
    """`make bench-array-jobs`' run: where it ran, the main bench's tables, where the time went,
    and whether the array cost Snakemake less per job."""
    return (
        machine_markdown(record)
        + "\n"
        + table_markdown(record)
        + "\n"
        + where_the_time_went(record)
        + "\n"
        + array_jobs_verdict(record)
    )


def generate(root: pathlib.Path) -> None:
    record = load(root)
    out = root / "_generated"
    speedup_figure(record, out / "bench_speedup.svg")
    gantt_figure(record, out / "bench_gantt.svg")
    (out / "bench_table.md").write_text(table_markdown(record), encoding="utf-8")
    (out / "bench_summary.md").write_text(summary_markdown(record), encoding="utf-8")
    (out / "bench_machine.md").write_text(machine_markdown(record), encoding="utf-8")
    (out / "bench_overhead.md").write_text(overhead_markdown(record), encoding="utf-8")
    arrays = load(root, INPUTS[2])
    (out / "bench_array_jobs.md").write_text(array_jobs_markdown(arrays), encoding="utf-8")
