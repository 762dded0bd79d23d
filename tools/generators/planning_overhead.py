"""The overhead tables on the planning page, made from the project's own measurements.

Local: code/snakemake/many_small_tasks/overhead_local.json, which
`python snakemake/many_small_tasks/measure_overhead.py` (run from code/) writes.
Slurm: bench/results/slurm_speedup.json, which `make bench` writes on the local test cluster; when
it has not been recorded, the page says so instead of showing numbers.
Nothing here is typed by hand: re-run a measurement and rebuild, and the page follows.
"""

from __future__ import annotations

import json
import pathlib

INPUTS = ["code/snakemake/many_small_tasks/overhead_local.json", "bench/results/slurm_speedup.json"]
OUTPUTS = ["_generated/planning_overhead.md", "_generated/planning_overhead_slurm.md"]
BENCH = "bench/results/slurm_speedup.json"

METHOD_NAMES = {
    "serial": "one batch job runs every task, one after another",
    "array": "an array job, one task per combination",
    "custom_script": "one `sbatch` per combination",
    "snakemake_slurm_default": "Snakemake on Slurm, default status checks",
    "snakemake_slurm_tuned": "Snakemake on Slurm, status checked every second",
    "snakemake_local": "Snakemake on the node itself, without Slurm",
}

REQUIRED = (
    "items",
    "repeats",
    "median_seconds",
    "per_extra_job_seconds",
    "snakemake_version",
    "cpus",
    "load_average_1min_after",
)


def table(record: dict) -> str:
    """The Markdown table (and one line saying where it came from) for one measurement record."""
    missing = [key for key in REQUIRED if key not in record]
    if missing:
        raise ValueError(f"overhead_local.json lacks {', '.join(missing)}")
    items = record["items"]
    medians = record["median_seconds"]
    rows = [
        ("how the work is split", "jobs", "median wall time (s)"),
        (
            "one tiny job per item, plus one job that adds them up",
            str(items + 1),
            f"{medians['one_job_per_item']:.2f}",
        ),
        ("all items in one merged job", "1", f"{medians['one_merged_job']:.2f}"),
    ]
    lines = [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines.insert(1, "| --- | ---: | ---: |")
    per_job = record["per_extra_job_seconds"]
    lines += [
        "",
        f"Each extra job cost about **{per_job:.2f} s**: the difference of the two medians "
        f"divided by the {items} extra tiny jobs. "
        f"Measured with Snakemake {record['snakemake_version']} on one core of a "
        f"{record['cpus']}-CPU machine, median of {record['repeats']} runs each; the machine's "
        f"one-minute load average was {record['load_average_1min_after']:.1f} when it finished "
        "(other work was running at the same time).",
        "",
    ]
    return "\n".join(lines)


def slurm_table(report: dict) -> str:
    """The sweep with the least work per task, each way of running it on Slurm, from make bench."""
    try:
        workload = min(report["workloads"], key=lambda entry: entry["cv_repeats"])
        runs = workload["runs"]
        serial = runs["serial"]["seconds"]
        tasks = len(report["tasks"])
        slurm_node = report["machine"]["slurm_node"]
        date = report["date"][:10]
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"{BENCH} does not have the expected layout ({err!r})") from None
    lines = [
        "| how the tasks are run | seconds | compared with one serial job |",
        "| --- | ---: | ---: |",
    ]
    order = list(METHOD_NAMES)
    for method, run in sorted(
        runs.items(),
        key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]),
    ):
        name = METHOD_NAMES.get(method, method)
        lines.append(f"| {name} | {run['seconds']:.1f} | {run['seconds'] / serial:.1f} x |")
    lines += [
        "",
        f"{tasks} training tasks with the least work the benchmark has "
        f"(`--cv-repeats {workload['cv_repeats']}`), on the lesson's single-node test cluster "
        f"({slurm_node}), recorded by `make bench` on {date}.",
        "",
    ]
    return "\n".join(lines)


def generate(root: pathlib.Path) -> None:
    source = root / INPUTS[0]
    record = json.loads(source.read_text(encoding="utf-8"))
    (root / OUTPUTS[0]).write_text(table(record), encoding="utf-8")
    bench = root / BENCH
    if bench.exists():
        text = slurm_table(json.loads(bench.read_text(encoding="utf-8")))
    else:
        text = (
            "The Slurm benchmark has not been recorded in this copy of the lesson; "
            "`make bench` records it on a running test cluster.\n"
        )
    (root / OUTPUTS[1]).write_text(text, encoding="utf-8")
