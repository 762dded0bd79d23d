"""cluster/compose/ read as text (no container is started here): the compose file describes the
cluster content/container-cluster.md shows, and the Containerfile builds from what the learners'
download holds, with the packages the setup page installs at the project's pins."""

from __future__ import annotations

import re

import yaml

from lessontest.generators import code_archive
from lessontest.pages import load_page
from lessontest.paths import CONTENT, ROOT
from lessontest.podman import BASE_IMAGE

COMPOSE = ROOT / "cluster" / "compose"
ROLES = {"controller": "controller", "node1": "node", "node2": "node", "login": "login"}


def containerfile_lines() -> list[str]:
    """The Containerfile's instructions, continued lines joined, comments left out."""
    text = (COMPOSE / "Containerfile").read_text()
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return [line for line in text.replace("\\\n", " ").splitlines() if line.strip()]


def test_compose_file_starts_the_four_machines_of_the_page():
    compose = yaml.safe_load((COMPOSE / "compose.yaml").read_text())
    services = compose["services"]
    assert {name: s["command"] for name, s in services.items()} == ROLES
    start = (COMPOSE / "start.sh").read_text()
    for role in set(ROLES.values()):
        assert re.search(rf"^\s+{role}\)$", start, re.MULTILINE), f"start.sh has no role {role}"
    # One image, built once (by the controller); each machine's hostname is its service name,
    # which is how Slurm's daemons find each other; the top folder at /lesson everywhere.
    assert len({s["image"] for s in services.values()}) == 1
    builds = {name: s["build"] for name, s in services.items() if "build" in s}
    assert builds == {
        "controller": {"context": "../..", "dockerfile": "cluster/compose/Containerfile"}
    }
    for name, service in services.items():
        assert service["hostname"] == name
        assert service["volumes"] == ["../..:/lesson"]
        assert service["working_dir"] == "/lesson/code"


def test_containerfile_builds_from_the_download():
    """The build context is the download's top folder: everything the Containerfile copies is in
    the learners' zip."""
    in_zip = set(code_archive.archive_members(ROOT))
    copied = [
        source
        for line in containerfile_lines()
        if line.startswith("COPY ")
        for source in line.split()[1:-1]
    ]
    assert "cluster/compose/start.sh" in copied
    assert not [source for source in copied if source not in in_zip]


def test_containerfile_builds_from_the_base_image_made_here():
    """One name for the base image: the Containerfile's FROM, what tools/podman/base_image.sh
    makes on machines without a registry, and what the compose tests look for."""
    froms = [line.split()[1] for line in containerfile_lines() if line.startswith("FROM ")]
    assert froms == [BASE_IMAGE]
    script = (ROOT / "tools" / "podman" / "base_image.sh").read_text()
    suite = re.search(r"^SUITE=(\w+)$", script, re.MULTILINE).group(1)
    assert re.search(r"^IMAGE=docker\.io/library/debian:\$SUITE$", script, re.MULTILINE)
    assert BASE_IMAGE == f"docker.io/library/debian:{suite}"


def test_containerfile_installs_the_setup_pages_packages_at_the_pins():
    """The login node's environment is the one content/setup.md installs, each at its version
    in constraints.txt."""
    setup = load_page(CONTENT / "setup.md")
    block = next(b for b in setup.blocks if "pip install numpy" in b.body)
    on_page = re.findall(r"([A-Za-z][\w-]*)==", block.body)
    installs = [line for line in containerfile_lines() if "pip install" in line]
    assert len(installs) == 1, installs
    words = installs[0].split("pip install", 1)[1].split()
    assert "/opt/pins/constraints.txt" in words
    names = [w for w in words if not w.startswith("-") and "/" not in w]
    assert sorted(names) == sorted(set(on_page))
    pins = (ROOT / "constraints.txt").read_text()
    assert all(re.search(rf"^{name}==", pins, re.MULTILINE) for name in names)
