"""content/your-cluster.md names, in one place, the Slurm versions the lesson is tested on (its
words: "work as shown on"): the practice cluster's (Slurm as this machine's packages have it) and
the container cluster's (the version cluster/compose/Containerfile pins)."""

from __future__ import annotations

import re
import subprocess

import pytest

from lessontest.paths import CONTENT, ROOT

STATED = re.compile(
    r"work as shown on Slurm (\d+\.\d+) \(the practice cluster\s+on Debian 12\) and "
    r"Slurm (\d+\.\d+) \(the container cluster, on Debian 13\)"
)


def stated() -> tuple[str, str]:
    text = " ".join((CONTENT / "your-cluster.md").read_text().split())
    found = STATED.search(text)
    assert found, "your-cluster.md no longer names the tested Slurm versions as this test reads"
    return found.group(1), found.group(2)


def test_the_container_clusters_version_is_the_one_its_image_pins():
    pinned = re.search(
        r'"slurmd=(\d+\.\d+)\.\d+-\*"', (ROOT / "cluster/compose/Containerfile").read_text()
    )
    assert pinned and stated()[1] == pinned.group(1)


@pytest.mark.slurm
def test_the_practice_clusters_version_is_this_machines_slurm():
    said = subprocess.run(["sinfo", "--version"], check=True, capture_output=True, text=True)
    assert re.fullmatch(rf"slurm(-wlm)? {re.escape(stated()[0])}\.\d+\n", said.stdout), said
