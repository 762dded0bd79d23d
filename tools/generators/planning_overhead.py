"""The table of per-job overhead on the planning page, made from the project's own measurements.

The numbers come from code/snakemake/many_small_tasks/overhead_local.json, which
`python snakemake/many_small_tasks/measure_overhead.py` (run from code/) writes. Nothing here is
typed by hand: re-run the measurement and rebuild, and the page follows.
"""

from __future__ import annotations

import json
import pathlib

INPUTS = ["code/snakemake/many_small_tasks/overhead_local.json"]
OUTPUTS = ["_generated/planning_overhead.md"]

REQUIRED = ("items", "repeats", "median_seconds", "per_extra_job_seconds", "snakemake_version",
            "cpus", "load_average_1min_after")


def table(record: dict) -> str:
    """The Markdown table (and one line saying where it came from) for one measurement record."""
    missing = [key for key in REQUIRED if key not in record]
    if missing:
        raise ValueError(f"overhead_local.json lacks {', '.join(missing)}")
    items = record["items"]
    medians = record["median_seconds"]
    rows = [
        ("how the work is split", "jobs", "median wall time (s)"),
        (f"one tiny job per item, plus one job that adds them up", str(items + 1),
         f"{medians['one_job_per_item']:.2f}"),
        ("all items in one merged job", "1", f"{medians['one_merged_job']:.2f}"),
    ]
    lines = [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines.insert(1, "| --- | ---: | ---: |")
    per_job = record["per_extra_job_seconds"]
    lines += [
        "",
        f"Cost of one extra job, (difference) / {items}: **{per_job:.2f} s**. "
        f"Measured with Snakemake {record['snakemake_version']} on one core of a "
        f"{record['cpus']}-CPU machine, median of {record['repeats']} runs each; the machine's "
        f"one-minute load average was {record['load_average_1min_after']:.1f} when it finished "
        "(other work was running at the same time).",
        "",
    ]
    return "\n".join(lines)


def generate(root: pathlib.Path) -> None:
    source = root / INPUTS[0]
    record = json.loads(source.read_text(encoding="utf-8"))
    (root / OUTPUTS[0]).write_text(table(record), encoding="utf-8")
