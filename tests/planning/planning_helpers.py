"""Helpers for the planning chapter's tests: run Snakemake in a copy of the code tree and count jobs.

Job counts come from Snakemake's own output of a real run: one line
`Finished jobid: N (Rule: NAME)` per job that actually finished. For dry runs, the "Job stats"
table that Snakemake prints before anything runs is read instead.
"""

from __future__ import annotations

import collections
import os
import pathlib
import re
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"

_FINISHED = re.compile(r"^Finished jobid: \d+ \(Rule: ([\w]+)\)", re.MULTILINE)


def env() -> dict[str, str]:
    """The environment for learner commands: the project's venv first on PATH."""
    full = dict(os.environ)
    full["PATH"] = f"{VENV_BIN}{os.pathsep}{full.get('PATH', '')}"
    return full


def copy_tree(dest: pathlib.Path, *relatives: str) -> pathlib.Path:
    """Copy folders of the repository (e.g. 'code/python/seeds_study') under dest, same layout."""
    for relative in relatives:
        shutil.copytree(ROOT / relative, dest / relative,
                        ignore=shutil.ignore_patterns(".snakemake", "results", "__pycache__"))
    return dest


def run(cmd, cwd, *, check=True, shell=False, timeout=600) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True,
                          shell=shell, executable="/bin/bash" if shell else None, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"command failed ({proc.returncode}): {cmd}\n--- stdout ---\n"
                             f"{proc.stdout}\n--- stderr ---\n{proc.stderr}")
    return proc


def finished_jobs(output: str) -> collections.Counter:
    """How many jobs of each rule a real Snakemake run finished, from its printed log."""
    return collections.Counter(_FINISHED.findall(output))


def planned_jobs(output: str) -> collections.Counter:
    """The 'Job stats' table of a (dry) run: rule -> count, without the 'total' line."""
    match = re.search(r"Job stats:\njob\s+count\n[- ]+\n(.*?)\n\s*\n", output + "\n\n", re.S)
    if match is None:
        return collections.Counter()
    counts = collections.Counter()
    for line in match.group(1).splitlines():
        name, count = line.split()
        if name != "total":
            counts[name] = int(count)
    return counts
