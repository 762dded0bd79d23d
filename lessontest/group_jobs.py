"""The group jobs of the many-small-tasks page on Slurm: one too big for the node, one capped.

`make bench-groups` (needs the local cluster: `make cluster-up`) runs the page's own command
blocks ("Grouping jobs" in content/many-small-tasks.md) in a fresh copy of code/, as a learner types
them, and writes what Slurm answered to bench/results/group_jobs.json. The page shows that
record (lessontest/generators/planning_groups.py); tests/planning/test_group_jobs.py runs the same
blocks through `run_blocks()` and checks that the record still says what the cluster does.

`make bench-groups STRICT=1` (on the strict practice cluster, `make cluster-up STRICT=1`) runs the
too-big group on a site that refuses such a job at submission (`EnforcePartLimits=ALL`), with the
lesson made for that site, and writes what Snakemake said to bench/results/group_jobs_strict.json;
tests/on_cluster/test_group_refused.py checks it through `refused()`.

Other jobs may share the cluster: only the lines of the jobs this run submitted are kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The page's blocks and a learner's copy of code/, as the tests get them (pytest.ini's paths).

from lessontest.pages import command
from lessontest.shell import learner_env, run
from lessontest.slurm import sourced
from lessontest.tree import copy_code

PAGE = "many-small-tasks.md"
OUTPUT = ROOT / "bench" / "results" / "group_jobs.json"
STRICT_OUTPUT = ROOT / "bench" / "results" / "group_jobs_strict.json"
STRICT_SITE = "practice-strict"
SUBMITTED = re.compile(r"submitted with SLURM jobid (\d+)")
# What Snakemake prints when sbatch refuses the group job (it does not repeat sbatch's reason).
REFUSAL = re.compile(r"^.*(?:Error in group \S+|Exiting because a job execution failed.*)$", re.M)


def own_lines(text: str, job_ids: list[str], header_lines: int) -> str:
    """The table's header and the lines of `job_ids` only (their first column)."""
    lines = text.splitlines()
    kept = [line for line in lines[header_lines:] if line.split() and line.split()[0] in job_ids]
    return "\n".join(line.rstrip() for line in [*lines[:header_lines], *kept]) + "\n"


def too_big(code: pathlib.Path, timeout: float = 120) -> dict:
    """Start the page's uncapped grouped run, ask squeue about its job as the page does once Slurm
    has given a reason, then press Ctrl-C (SIGINT to its process group) as the page says."""
    proc = subprocess.Popen(
        ["bash", "-euo", "pipefail", "-c", command(PAGE, "many-small-tasks-group-too-big")],
        cwd=code,
        env=learner_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    job, output, squeue = None, [], ""
    try:
        for line in proc.stdout:
            output.append(line)
            match = SUBMITTED.search(line)
            if match:
                job = match.group(1)
                break
        if job is None:
            raise RuntimeError("the uncapped run submitted no job:\n" + "".join(output))
        end = time.monotonic() + timeout
        while True:  # Slurm gives a pending job its reason at its next scheduling pass
            listed = run(command(PAGE, "many-small-tasks-group-squeue"), code).stdout
            squeue = own_lines(listed, [job], 1)
            fields = squeue.splitlines()[1].split() if squeue.count("\n") > 1 else []
            if len(fields) == 4 and fields[3] != "None" or time.monotonic() > end:
                break
            time.sleep(1)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        rest, _ = proc.communicate(timeout=timeout)
        output.append(rest)
    state = run(
        ["sacct", "--noheader", "--parsable2", "--allocations", f"--jobs={job}", "--format=State"],
        code,
    ).stdout.split()
    return {
        "job": job,
        "squeue": squeue,
        "exit_code": proc.returncode,
        "state_after_ctrl_c": state[0] if state else "",
        "output": "".join(output),
    }


def refused(code: pathlib.Path, timeout: float = 300) -> dict:
    """The page's uncapped grouped run on a site that refuses at submission what no node can
    give: it stops by itself. Its exit code, the jobs it submitted, and the lines that say why."""
    proc = run(
        ["bash", "-euo", "pipefail", "-c", command(PAGE, "many-small-tasks-group-too-big")],
        code,
        env=sourced(learner_env(), code),  # a learner on that site has sourced its site.env
        check=False,
        timeout=timeout,
    )
    output = proc.stdout + proc.stderr
    said = dict.fromkeys(line.strip() for line in REFUSAL.findall(output))
    return {
        "exit_code": proc.returncode,
        "submitted": SUBMITTED.findall(output),
        "said": "".join(f"{line}\n" for line in said),
        "output": output,
    }


def fits(code: pathlib.Path) -> dict:
    """The page's capped grouped run, then its sacct block."""
    proc = run(command(PAGE, "many-small-tasks-group-fits"), code)
    output = proc.stdout + proc.stderr
    jobs = SUBMITTED.findall(output)
    sacct = run(command(PAGE, "many-small-tasks-group-sacct"), code).stdout
    return {
        "jobs": jobs,
        "sum": proc.stdout.strip().splitlines()[-1],
        "sacct": own_lines(sacct, jobs, 2),
        "output": output,
    }


def run_blocks(code: pathlib.Path) -> dict:
    """Both cases in page order, from a learner's code/ folder."""
    return {"too_big": too_big(code), "fits": fits(code)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=pathlib.Path)
    parser.add_argument(
        "--strict", action="store_true", help="the refused group, on the strict practice cluster"
    )
    args = parser.parse_args(argv)
    if args.strict:
        os.environ["LESSON_SITE"] = STRICT_SITE  # the lesson made for that site's settings
    with tempfile.TemporaryDirectory() as tmp:
        code = copy_code(pathlib.Path(tmp))
        result = {"refused": refused(code)} if args.strict else run_blocks(code)
    for case in result.values():
        del case["output"]  # Snakemake's whole log: long, and full of temporary paths
    result["date"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    result["versions"] = {
        name: importlib.metadata.version(name)
        for name in ("snakemake", "snakemake-executor-plugin-slurm")
    }
    result["versions"]["slurm"] = run(["sinfo", "--version"], ROOT).stdout.strip()
    output = args.output or (STRICT_OUTPUT if args.strict else OUTPUT)
    output.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
