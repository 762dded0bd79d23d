"""What Slurm said about the planning page's two group jobs, as the page shows it.

bench/results/group_jobs.json is written by `make bench-groups` (bench/group_jobs.py), which runs
the page's own blocks on the local test cluster: squeue's line about the group job that is too big
for the node, and sacct's lines about the capped one that ran. Nothing here is typed by hand.
"""

from __future__ import annotations

import json
import pathlib

RECORD = "bench/results/group_jobs.json"
INPUTS = [RECORD]
OUTPUTS = ["_generated/planning_group_squeue.txt", "_generated/planning_group_sacct.txt"]


def outputs(record: dict) -> tuple[str, str]:
    """(squeue's text, sacct's text): each a header and at least one job's line."""
    try:
        texts = (record["too_big"]["squeue"], record["fits"]["sacct"])
    except (KeyError, TypeError) as err:
        raise ValueError(f"{RECORD} does not have the expected layout ({err!r})") from None
    for name, text, header_lines in zip(("squeue", "sacct"), texts, (1, 2), strict=True):
        if not isinstance(text, str) or len(text.splitlines()) <= header_lines:
            raise ValueError(f"{RECORD}: the {name} output has no job line: {text!r}")
    return texts


def generate(root: pathlib.Path) -> None:
    record = json.loads((root / RECORD).read_text(encoding="utf-8"))
    for name, text in zip(OUTPUTS, outputs(record), strict=True):
        (root / name).write_text(text, encoding="utf-8")
