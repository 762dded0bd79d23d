"""Measure what one extra Snakemake job costs on this machine, for the lesson.

Run from the code/ folder (it takes a minute or two):
    python snakemake/many_small_tasks/measure_overhead.py

It times the same work done two ways, side by side, on one core: N tiny
`square` jobs plus the job that adds them up, against the single job
`sum_of_squares_merged` that does all N items. The work itself is negligible,
so the difference divided by N is what Snakemake spends per extra job when it
runs jobs locally. A scheduler such as Slurm adds its own queueing and start-up
time on top of that. Every run starts from an empty copy of the workflow; the
two ways take turns so that a busy machine slows both alike. The result goes to
a JSON file (--output, by default in the current folder); the lesson's own
measurement is recorded with `make bench-overhead` and its page turns it into a
table at build time.
"""

import argparse
import json
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_OUTPUT = "overhead_mine.json"
TARGETS = {
    "one_job_per_item": "results/many_small_tasks/sum_of_squares.txt",
    "one_merged_job": "results/many_small_tasks/merged/sum_of_squares.txt",
}


# The same one-line parser as the example trees' script_io.py, repeated so that
# this tool runs on its own.
class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is reported on one line (the usage is in
    --help)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def parse_args():
    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--items",
        type=int,
        default=24,
        help="tiny jobs per run (2-500, default 24)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="runs of each way (1-20, default 3)",
    )
    parser.add_argument(
        "--output",
        default=DEFAULT_OUTPUT,
        help=f"JSON file to write (default {DEFAULT_OUTPUT})",
    )
    args = parser.parse_args()
    if not 2 <= args.items <= 500:
        parser.error(f"--items must be between 2 and 500, got {args.items}")
    if not 1 <= args.repeats <= 20:
        parser.error(f"--repeats must be between 1 and 20, got {args.repeats}")
    return args


def timed_run(way, items):
    """Seconds for one snakemake run of `way` from an empty copy of the
    workflow."""
    with tempfile.TemporaryDirectory(prefix="overhead-") as tmp:
        workdir = pathlib.Path(tmp)
        shutil.copy(HERE / "Snakefile", workdir / "Snakefile")
        shutil.copytree(HERE / "envs", workdir / "envs")
        cmd = [
            "snakemake",
            "--snakefile",
            "Snakefile",
            "--cores",
            "1",
            "--quiet",
            "--config",
            f"n_items={items}",
            "--",
            TARGETS[way],
        ]
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(
                "measure_overhead.py: error: snakemake "
                f"failed for {way}:\n{proc.stderr}"
            )
        expected = str(sum(i * i for i in range(1, items + 1)))
        if (workdir / TARGETS[way]).read_text().strip() != expected:
            sys.exit(f"measure_overhead.py: error: {way} computed a wrong sum")
        return seconds


def main():
    args = parse_args()
    times = {way: [] for way in TARGETS}
    for _ in range(args.repeats):
        for way in TARGETS:
            times[way].append(round(timed_run(way, args.items), 3))
    split = statistics.median(times["one_job_per_item"])
    merged = statistics.median(times["one_merged_job"])
    record = {
        "what": (
            "local Snakemake runs on one core: N "
            "tiny jobs (+1 sum job) vs one merged job"
        ),
        "items": args.items,
        "repeats": args.repeats,
        "seconds": times,
        "median_seconds": {
            "one_job_per_item": split,
            "one_merged_job": merged,
        },
        "per_extra_job_seconds": round((split - merged) / args.items, 3),
        "snakemake_version": metadata.version("snakemake"),
        "python_version": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_1min_after": round(os.getloadavg()[0], 2),
    }
    output = pathlib.Path(args.output)
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, output)
    print(
        f"{args.items} tiny jobs: {split:.2f} s; one merged job: "
        f"{merged:.2f} s; about {record['per_extra_job_seconds']:.3f} "
        f"s per extra job. Written to {output}"
    )


if __name__ == "__main__":
    main()
