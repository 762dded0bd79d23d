"""cluster/: the local cluster's scripts behave as the local-cluster page says."""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import zipfile

import pytest

from lessontest.generators import code_archive
from lessontest.paths import ROOT
from lessontest.shell import learner_env, run
from lessontest.slurm import memory_limits

STATE = pathlib.Path(os.environ.get("LESSON_SLURM_DIR", "/tmp/lesson-slurm"))


def daemon_pids() -> list[tuple[str, str]]:
    """(name, pid) of every daemon up.sh started (one slurmd per node), in start order."""
    pids = []
    for line in (STATE / "started").read_text().splitlines():
        name, pidfile = line.split()
        pids.append((name, pathlib.Path(pidfile).read_text().strip()))
    return pids


@pytest.mark.slurm
def test_check_script_runs_a_job(tmp_path, shell):
    """cluster/check.sh, as the page shows it.

    sinfo, one job with sbatch --wait, its sacct record.
    """
    out = shell.run(["bash", ROOT / "cluster" / "check.sh"], cwd=tmp_path, timeout=300).stdout
    assert re.search(r"^lesson\*?\s+up", out, re.MULTILINE) or "PARTITION" in out, out
    hello = re.search(r"^Hello from \S+, job (\d+)$", out, re.MULTILINE)
    assert hello, out
    # sacct's record of that job (slurmdbd may still be filling in details such as the name).
    assert re.search(rf"^{hello.group(1)}\s+\S+\s+COMPLETED\s+0:0", out, re.MULTILINE), out
    assert not list(tmp_path.glob("hello-*.out")), "the script cleans up its output file"


@pytest.mark.slurm
def test_up_twice_is_harmless():
    """`make cluster-up` on a running local cluster changes nothing and says so."""
    if not (STATE / ".lesson-slurm").exists() or os.geteuid() != 0:
        pytest.skip("the running cluster was not started by cluster/up.sh as root on this machine")
    before = daemon_pids()
    # As the administrator who started it runs it: in the test's own environment.
    proc = run(["bash", ROOT / "cluster" / "up.sh"], ROOT, env=os.environ, timeout=120)
    assert "already running" in proc.stdout
    assert daemon_pids() == before


def test_up_without_root_changes_nothing(tmp_path):
    """Not root: one clear message, non-zero exit, nothing installed or started."""
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("needs root (to run the script as an unprivileged user)")
    state = tmp_path / "state"
    tmp_path.chmod(0o777)
    proc = run(
        [
            "runuser",
            "-u",
            "nobody",
            "--",
            "env",
            f"LESSON_SLURM_DIR={state}",
            "bash",
            ROOT / "cluster" / "up.sh",
        ],
        tmp_path,
        env=os.environ,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0, proc.stderr  # one line
    assert "needs root" in proc.stderr and "Nothing was changed" in proc.stderr
    assert not state.exists()


@pytest.mark.parametrize(
    ("limits", "says"),
    [
        ("cgroup", "LESSON_MEMORY_LIMITS=cgroup, but this machine has no cgroup v1 controller"),
        ("kernel", "LESSON_MEMORY_LIMITS is 'kernel'; it can be cgroup or sampling"),
    ],
)
def test_memory_limits_that_cannot_be_had_change_nothing(tmp_path, limits, says):
    """cgroup limits forced on a host without cgroup v1 (an empty folder stands in for its
    /sys/fs/cgroup), or an unknown way: one clear line, non-zero exit, nothing started."""
    if os.geteuid() != 0:
        pytest.skip("needs root (up.sh checks root first)")
    state = tmp_path / "state"
    env = {
        **os.environ,
        "LESSON_SLURM_DIR": str(state),
        "LESSON_CGROUP_ROOT": str(tmp_path),
        "LESSON_MEMORY_LIMITS": limits,
    }
    proc = run(["bash", ROOT / "cluster" / "up.sh"], tmp_path, env=env, check=False, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0, proc.stderr  # one line
    assert says in proc.stderr, proc.stderr
    assert not state.exists()


@pytest.mark.slurm
@pytest.mark.lifecycle
def test_down_leaves_nothing_then_the_download_starts_it_again(tmp_path):
    """`make cluster-down` stops every daemon up.sh started and removes the nodes' cgroup folders,
    the state folder and the link to the configuration; then `make cluster-up`, run from the
    learners' download unpacked into an empty folder, starts a working cluster again, enforcing
    memory the same way as before (cgroup, or sampling when forced). It stops the cluster, so
    `make test` runs it after every other test."""
    if not (STATE / ".lesson-slurm").exists() or os.geteuid() != 0:
        pytest.skip("the running cluster was not started by cluster/up.sh as root on this machine")
    pids = daemon_pids()
    limits = memory_limits()
    cgroups = sorted(pathlib.Path("/sys/fs/cgroup").glob("*/slurm_*"))
    if limits == "cgroup":
        assert cgroups, "jobs ran, so the nodes have cgroup folders"
    else:
        assert not cgroups, "Slurm made cgroup folders though it enforces memory by sampling"

    run(["make", "cluster-down"], ROOT, env=learner_env(), timeout=180)
    comm = [(name, pathlib.Path(f"/proc/{pid}/comm")) for name, pid in pids]
    alive = [name for name, path in comm if path.exists() and path.read_text().strip() == name]
    assert not alive, f"still running after cluster-down: {alive}"
    assert not [path for path in cgroups if path.exists()], "cgroup folders left behind"
    assert not STATE.exists()
    assert not pathlib.Path("/etc/slurm/slurm.conf").is_symlink()

    download = tmp_path / "download.zip"
    code_archive.write_archive(ROOT, download)
    with zipfile.ZipFile(download) as archive:
        archive.extractall(tmp_path)
    env = learner_env({"LESSON_MEMORY_LIMITS": limits})
    proc = run(["make", "cluster-up"], tmp_path / code_archive.TOP, env=env, timeout=300)
    assert "Started in" in proc.stdout, proc.stdout
    assert memory_limits() == limits
    nodes = run(["sinfo", "--noheader", "--Node", "--format=%T"], ROOT).stdout.split()
    assert len(nodes) >= 2 and set(nodes) == {"idle"}, nodes
