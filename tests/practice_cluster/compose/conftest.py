"""The practice cluster as containers (cluster/compose/), started with Podman from the learners'
download exactly as content/container-cluster.md says.

Podman runs inside a network namespace of its own (tools/podman/netns.sh; tools/podman/README.md
says why), from a base image made on this machine (tools/podman/base_image.sh). These tests bring
their own cluster and do not need the host's `make cluster-up`: tests/conftest.py leaves their
`slurm` marker to the check here. Without Podman or the base image they are skipped, unless
REQUIRE_SLURM=1 (CI), where that is a failure.
"""

from __future__ import annotations

import os

import pytest

from lessontest.podman import missing_prerequisite


@pytest.fixture(scope="session")
def compose_prerequisites() -> None:
    reason = missing_prerequisite()
    if reason is None:
        return
    if os.environ.get("REQUIRE_SLURM") == "1":
        pytest.fail(f"REQUIRE_SLURM=1 but the compose cluster cannot start: {reason}")
    pytest.skip(f"compose cluster tests skipped: {reason}")
