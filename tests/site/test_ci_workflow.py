"""The hosted-CI workflow (.github/workflows/ci.yml), which no forge runs for the project: it is
valid YAML, every job runs on a runner and has steps, every `make` it runs is a target of the
Makefile, and every action it uses is pinned to a commit with its release in a comment.
"""

from __future__ import annotations

import re

import yaml

from lessontest.paths import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
# A make target at the start of a line, as the Makefile and learners.mk define them.
_TARGET = re.compile(r"^([a-z][\w-]*):(?!=)", re.MULTILINE)
_MAKE = re.compile(r"\bmake ([a-z][\w-]*)")
_PINNED = re.compile(r"uses: [\w-]+/[\w-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def _targets():
    return {
        target
        for name in ("Makefile", "learners.mk")
        for target in _TARGET.findall((ROOT / name).read_text(encoding="utf-8"))
    }


def test_every_job_runs_make_targets_that_exist():
    text = WORKFLOW.read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    targets = _targets()
    assert workflow["jobs"], "no jobs"
    for name, job in workflow["jobs"].items():
        assert job["runs-on"], name
        assert job["steps"], name
        for step in job["steps"]:
            assert ("run" in step) != ("uses" in step), f"{name}: {step}"
            for target in _MAKE.findall(step.get("run", "")):
                assert target in targets, f"{name}: `make {target}` is not a Makefile target"
    for line in text.splitlines():
        if line.strip().startswith(("uses:", "- uses:")):
            assert _PINNED.search(line), f"not pinned to a commit with its release: {line}"
