"""What the planning suite reads back from Snakemake beyond lessontest.snakemake.job_counts (the
plan): the jobs a real run actually finished. Imported as `from planning.planning_helpers import
finished_jobs` (tests/ is on sys.path; tests/planning is a namespace package).
"""

from __future__ import annotations

import collections
import re

_FINISHED = re.compile(r"^Finished jobid: \d+ \(Rule: (\w+)\)", re.MULTILINE)


def finished_jobs(output: str) -> collections.Counter:
    """How many jobs of each rule a real Snakemake run finished: one line
    `Finished jobid: N (Rule: NAME)` per job that actually finished."""
    return collections.Counter(_FINISHED.findall(output))
