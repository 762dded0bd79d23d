"""Shared fixtures and the rules for tests that need a Slurm cluster or a browser.

Tests marked ``slurm`` or ``browser`` are skipped, with one reason shown in the summary, on a
machine that lacks the cluster or the browser. CI sets REQUIRE_SLURM=1 and REQUIRE_BROWSER=1,
and then a missing cluster or browser is a failure, never a skip.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess

import pytest

from lessontest.paths import SITE_DIR


def _slurm_status() -> tuple[bool, str]:
    if shutil.which("sinfo") is None:
        return False, "no Slurm on this machine (start one with 'make cluster-up')"
    try:
        out = subprocess.run(
            ["sinfo", "--noheader", "--format=%T"], capture_output=True, text=True, timeout=20
        )
    except subprocess.TimeoutExpired:
        return False, "sinfo did not answer within 20 s (is slurmctld running? 'make cluster-up')"
    states = out.stdout.split()
    # "reserved": the strict practice cluster reserves every node for the course.
    usable = {"idle", "mixed", "allocated", "completing", "reserved"}
    if out.returncode != 0 or not usable.intersection(s.rstrip("*~#") for s in states):
        return False, "no usable Slurm node (start a local cluster with 'make cluster-up')"
    return True, ""


def _browser_status() -> tuple[bool, str]:
    if not pathlib.Path("/usr/bin/chromium").exists():
        return False, "no Chromium at /usr/bin/chromium (apt-get install chromium)"
    if not (SITE_DIR / "index.html").exists():
        return False, f"no built site in {SITE_DIR} (run 'make html')"
    return True, ""


_REQUIREMENTS = {
    "slurm": ("REQUIRE_SLURM", _slurm_status),
    "browser": ("REQUIRE_BROWSER", _browser_status),
}
# Suites that start the cluster they need themselves, and check for what that takes in their own
# conftest.py: tests/practice_cluster/compose starts the practice cluster as containers, not
# `make cluster-up`.
OWN_CLUSTER_SUITES = {"practice_cluster/compose"}

# Suites that start first when the suites run side by side (see pytest_itemcollected), the
# longest first: the pages' cluster sessions and the assignment's workflows on Slurm, and the
# compose cluster's (which may build an image first) on the other worker; the browser's crawl and
# the short site suite follow.
FIRST_SUITES = [
    "on_cluster/test_failure_drills",
    "practice_cluster/compose",
    "on_cluster/test_right_sizing",
    "on_cluster/test_assignment_slurm",
    "on_cluster/test_throughput",
    "on_cluster/test_snakemake_slurm",
    "site/browser",
    "site",
]
# Folders whose test files are suites of their own: their files share no expensive fixture
# (what several need is made once per run by lessontest.shared), so they may run side by side.
FILE_SUITES = ("on_cluster", "practice_cluster")


def suite_of(nodeid: str) -> str:
    """The suite a test belongs to, which runs whole on one worker: its folder of tests/
    (tests/python/test_x.py::test_y -> python; a sub-folder such as site/browser is a suite of its
    own), except in FILE_SUITES, where each file is one (on_cluster/test_cores)."""
    parts = nodeid.split("::")[0].split("/")[1:]  # without "tests"
    if len(parts) < 2:
        return parts[0]
    if parts[0] in FILE_SUITES and len(parts) == 2:
        return f"{parts[0]}/{parts[1].removesuffix('.py')}"
    return "/".join(parts[:-1])


def pytest_collection_modifyitems(config, items):
    rank = {suite: position for position, suite in enumerate(FIRST_SUITES)}
    items.sort(key=lambda item: rank.get(suite_of(item.nodeid), len(rank)))  # stable: order kept
    for marker, (env_var, probe) in _REQUIREMENTS.items():
        marked = [
            item
            for item in items
            if marker in item.keywords
            and not (marker == "slurm" and suite_of(item.nodeid) in OWN_CLUSTER_SUITES)
        ]
        if not marked:
            continue
        ok, reason = probe()
        if ok:
            continue
        if os.environ.get(env_var) == "1":
            fail = pytest.mark.usefixtures(f"_fail_missing_{marker}")
            for item in marked:
                item.add_marker(fail)
        else:
            skip = pytest.mark.skip(reason=f"{marker} tests skipped: {reason}")
            for item in marked:
                item.add_marker(skip)


def pytest_itemcollected(item):
    """With pytest-xdist (`make test` runs `--numprocesses auto --dist loadgroup`), each suite
    (suite_of) is one xdist group, so it runs whole on one worker: its session fixtures (the
    example's full run, the pages' runs) are computed once, and its tests run one after another
    in one process. The groups are handed out in collection order (FIRST_SUITES,
    then the others), which `--no-loadscope-reorder` keeps. Under xdist a test's ID ends in
    `@<suite>`. (pytest stays at 9.1 for this: requirements.txt says why.)"""
    item.add_marker(pytest.mark.xdist_group(suite_of(item.nodeid)))


@pytest.fixture
def _fail_missing_slurm():
    pytest.fail(f"REQUIRE_SLURM=1 but {_slurm_status()[1]}")


@pytest.fixture
def _fail_missing_browser():
    pytest.fail(f"REQUIRE_BROWSER=1 but {_browser_status()[1]}")
