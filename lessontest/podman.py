"""Podman as the compose tests use it: inside the network namespace of tools/podman/netns.sh
(tools/podman/README.md says why), with the podman-compose pinned in requirements.txt."""

from __future__ import annotations

import os
import shutil
import subprocess

from lessontest.paths import ROOT, VENV_BIN
from lessontest.shell import run

NETNS = ROOT / "tools" / "podman" / "netns.sh"
BASE_IMAGE = "docker.io/library/debian:trixie"


def podman_compose() -> str | None:
    """The venv's podman-compose (pinned in requirements.txt), else one on PATH."""
    pinned = VENV_BIN / "podman-compose"
    return str(pinned) if pinned.exists() else shutil.which("podman-compose")


def missing_prerequisite() -> str | None:
    """What this machine lacks to start the compose cluster with Podman, or None."""
    if os.geteuid() != 0:
        return "not root (tools/podman/netns.sh makes a network namespace)"
    for tool in ("podman", "slirp4netns", "nsenter", "ip"):
        if shutil.which(tool) is None:
            return f"no {tool} on this machine (apt-get install podman slirp4netns)"
    if podman_compose() is None:
        return "no podman-compose (make venv installs the pinned one)"
    env = dict(os.environ, CONTAINERS_CONF=str(NETNS.parent / "containers.conf"))
    found = subprocess.run(["podman", "image", "exists", BASE_IMAGE], env=env, timeout=60)
    if found.returncode != 0:
        return f"no {BASE_IMAGE} image (make it with: bash tools/podman/base_image.sh)"
    return None


def netns_up() -> bool:
    return run(["bash", NETNS, "status"], ROOT, check=False, timeout=30).returncode == 0


def netns_down() -> None:
    run(["bash", NETNS, "down"], ROOT, timeout=60)


def in_netns(cmd, cwd, *, timeout=600, check=True) -> subprocess.CompletedProcess:
    """A learner's command on this machine (a page block, or an argument list), run as
    lessontest.shell.run does, with Podman in its network namespace."""
    argv = ["bash", "-euo", "pipefail", "-c", cmd] if isinstance(cmd, str) else cmd
    return run(["bash", NETNS, "run", *argv], cwd, timeout=timeout, check=check)
