"""The overhead tables on the planning page, made from the project's own measurements.

Local: bench/results/overhead_local.json, which `make bench-overhead` records with
code/snakemake/many_small_tasks/measure_overhead.py.
Slurm: bench/results/slurm_speedup.json, which `make bench` writes on the local test cluster; when
it has not been recorded, the page says so instead of showing numbers.
Nothing here is typed by hand: re-run a measurement and rebuild, and the page follows.
"""

from __future__ import annotations

import json
import pathlib

import bench_names

RECORD = "bench/results/overhead_local.json"
BENCH_NAMES = "bench/bench_names.py"
INPUTS = [RECORD, "bench/results/slurm_speedup.json", BENCH_NAMES]
OUTPUTS = ["_generated/planning_overhead.md", "_generated/planning_overhead_slurm.md"]
BENCH = "bench/results/slurm_speedup.json"

# The methods' descriptions are kept once, with the bench that measures them.
METHOD_NAMES = {method: bench_names.DESCRIPTIONS[method] for method in bench_names.METHODS}

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
        slurm_nodes = bench_names.cluster_nodes(report["machine"])
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
        f"(`--cv-repeats {workload['cv_repeats']}`), on the practice cluster "
        f"({slurm_nodes}), measured with `make bench` on {date}.",
        "",
    ]
    return "\n".join(lines)


def generate(root: pathlib.Path) -> None:
    source = root / RECORD
    record = json.loads(source.read_text(encoding="utf-8"))
    (root / OUTPUTS[0]).write_text(table(record), encoding="utf-8")
    bench = root / BENCH
    if bench.exists():
        text = slurm_table(json.loads(bench.read_text(encoding="utf-8")))
    else:
        text = (
            "The Slurm benchmark has not been recorded in this copy of the lesson; "
            "`make bench` measures it on a running practice cluster.\n"
        )
    (root / OUTPUTS[1]).write_text(text, encoding="utf-8")
