"""The README's first command on a fresh machine: `make html` checks what it needs from the system
(tools/system_packages.sh) before it makes .venv.

Each test runs the real Makefile in a copy of the files it needs, with a PATH that holds only the
programs named here (so `dot` is missing) and a fake apt-get that records its arguments; no
package is ever installed. LESSON_UID stands in for the user ID.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from lessontest.paths import ROOT

FILES = ("Makefile", "learners.mk", "tools/system_packages.sh", "requirements.txt")
FILES += ("constraints.txt", "pyproject.toml")
PROGRAMS = ("make", "bash", "id", "mktemp", "tail", "rm")
# Stands in for apt-get: records its arguments, and "installs" graphviz by making a dot.
FAKE_APT = """#!/bin/bash
printf '%s\\n' "$*" >> "${0%/*}/apt-get.calls"
[[ " $* " == *" install "*graphviz* ]] && printf '#!/bin/sh\\n' > "${0%/*}/dot"
chmod +x "${0%/*}/dot" 2>/dev/null
exit 0
"""


def _machine(tmp_path, *, apt: bool):
    """A copy of the repository's build files, and a bin folder without dot."""
    repo, bin_dir = tmp_path / "repo", tmp_path / "bin"
    for name in FILES:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repo / name)
    bin_dir.mkdir()
    for program in PROGRAMS:
        (bin_dir / program).symlink_to(shutil.which(program))
    (bin_dir / "python3").symlink_to(sys.executable)
    if apt:
        (bin_dir / "apt-get").write_text(FAKE_APT)
        (bin_dir / "apt-get").chmod(0o755)
    return repo, bin_dir


def _make(target, repo, bin_dir, uid):
    env = {"PATH": str(bin_dir), "HOME": os.environ.get("HOME", "/"), "LESSON_UID": uid}
    return subprocess.run(
        ["make", target], cwd=repo, env=env, capture_output=True, text=True, timeout=60
    )


def test_a_normal_user_is_told_the_command_before_any_venv(tmp_path):
    repo, bin_dir = _machine(tmp_path, apt=True)
    proc = _make("html", repo, bin_dir, uid="1000")
    assert proc.returncode != 0
    assert proc.stderr.splitlines()[0] == (
        "make: missing graphviz; install with: sudo apt-get install graphviz"
    ), proc.stderr
    assert "venv" not in proc.stdout, "make went on to make the environment"
    assert not (repo / ".venv").exists()
    assert not (bin_dir / "apt-get.calls").exists(), "apt-get ran for a normal user"


def test_without_apt_get_the_message_names_what_to_install(tmp_path):
    repo, bin_dir = _machine(tmp_path, apt=False)
    proc = _make("html", repo, bin_dir, uid="0")
    assert proc.returncode != 0
    first = proc.stderr.splitlines()[0]
    assert first.startswith("make: missing graphviz (Graphviz's dot"), proc.stderr
    assert "package manager" in first
    assert not (repo / ".venv").exists()


def test_root_installs_what_is_missing_with_apt_get(tmp_path):
    repo, bin_dir = _machine(tmp_path, apt=True)
    proc = _make("system-packages", repo, bin_dir, uid="0")
    assert proc.returncode == 0, proc.stderr
    calls = (bin_dir / "apt-get.calls").read_text().splitlines()
    assert calls == ["-o DPkg::Lock::Timeout=600 -qq -y --no-install-recommends install graphviz"]
    assert "Installing graphviz with apt-get" in proc.stdout
    # Now that dot is there, the check passes without apt-get.
    assert _make("system-packages", repo, bin_dir, uid="0").returncode == 0
    assert len((bin_dir / "apt-get.calls").read_text().splitlines()) == 1
