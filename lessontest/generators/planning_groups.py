"""What Slurm said about the planning page's group jobs, as the page shows it.

bench/results/group_jobs.json is written by `make bench-groups` (lessontest.group_jobs), which runs
the page's own blocks on the local test cluster: squeue's line about the group job that is too big
for the node, and sacct's lines about the capped one that ran. bench/results/group_jobs_strict.json
(`make bench-groups STRICT=1`, on the strict cluster) holds what Snakemake said when the site
refused the too-big group at submission. Nothing here is typed by hand.
"""

from __future__ import annotations

import json
import pathlib

RECORD = "bench/results/group_jobs.json"
STRICT_RECORD = "bench/results/group_jobs_strict.json"
INPUTS = [RECORD, STRICT_RECORD]
OUTPUTS = [
    "_generated/planning_group_squeue.txt",
    "_generated/planning_group_sacct.txt",
    "_generated/planning_group_refused.txt",
]


def outputs(record: dict, strict: dict) -> tuple[str, str, str]:
    """(squeue's text, sacct's text, Snakemake's lines on the refusal): the first two a header
    and at least one job's line, the last at least one line."""
    try:
        texts = (record["too_big"]["squeue"], record["fits"]["sacct"], strict["refused"]["said"])
    except (KeyError, TypeError) as err:
        raise ValueError(
            f"{RECORD} or {STRICT_RECORD}: not the expected layout ({err!r})"
        ) from None
    for name, text, header_lines in zip(
        ("squeue", "sacct", "refusal"), texts, (1, 2, 0), strict=True
    ):
        if not isinstance(text, str) or len(text.splitlines()) <= header_lines:
            raise ValueError(f"the recorded {name} output has no job line: {text!r}")
    return texts


def generate(root: pathlib.Path) -> None:
    record, strict = (
        json.loads((root / name).read_text(encoding="utf-8")) for name in (RECORD, STRICT_RECORD)
    )
    for name, text in zip(OUTPUTS, outputs(record, strict), strict=True):
        (root / name).write_text(text, encoding="utf-8")
