"""Reading back what Snakemake printed."""

from __future__ import annotations

import collections
import re


def job_counts(output: str) -> dict[str, int]:
    """The 'Job stats' table Snakemake prints before it runs (or dry-runs) anything, as
    {rule: count} without the 'total' row; {} when there is no table (nothing to be done)."""
    match = re.search(r"Job stats:\njob\s+count\n[- ]+\n(.*?)\ntotal\s+(\d+)\n", output, re.S)
    if match is None:
        return {}
    counts = {}
    for line in match.group(1).splitlines():
        rule, count = line.split()
        counts[rule] = int(count)
    assert sum(counts.values()) == int(match.group(2)), (
        f"a job table that does not add up:\n{output}"
    )
    return counts


_FINISHED = re.compile(r"Finished jobid: \d+ \(Rule: (\w+)\)")


def finished_jobs(output: str) -> collections.Counter:
    """How many jobs of each rule a real run finished: Snakemake prints one line
    `Finished jobid: N (Rule: NAME)` per job that actually finished (the job table above only
    says what it planned)."""
    return collections.Counter(_FINISHED.findall(output))
