"""The practice cluster behaves like a real one (content/local-cluster.md): several nodes that
together have the machine's cores and memory, jobs spread over them, no more cores handed out at
once than the machine has, a job that needs an account, and memory and time limits that stop a
job that goes past them. Each test submits its own small jobs as a learner would."""

from __future__ import annotations

import os
import re
import time

import pytest

from lessontest.slurm import Shell, Slurm, kib, memory_limits

pytestmark = pytest.mark.slurm

CORES = os.cpu_count()


def sbatch(shell: Shell, *options: str, wrap: str) -> str:
    """Submit a one-line job from the shell's folder; its job ID."""
    out = shell.run(["sbatch", "--parsable", *options, f"--wrap={wrap}"]).stdout
    return out.strip().split(";")[0]


def steps(shell: Shell, job: str, fields: str) -> dict[str, dict[str, str]]:
    """{job ID or step ("12.batch"): {field: value}} from sacct."""
    names = fields.split(",")
    out = shell.run(
        ["sacct", "--noheader", "--parsable2", f"--jobs={job}", f"--format=JobID,{fields}"]
    ).stdout
    rows = [line.split("|") for line in out.splitlines()]
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in rows}


def cpu_list(text: str) -> set[int]:
    """The CPUs of a list such as "0-1,3" (Cpus_allowed_list in /proc/<pid>/status)."""
    cpus = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        cpus.update(range(int(first), int(last or first) + 1))
    return cpus


@pytest.fixture
def shell(tmp_path) -> Shell:
    """A learner's shell in an empty folder, where the jobs write their output."""
    return Shell(tmp_path)


@pytest.fixture
def slurm(shell) -> Slurm:
    return Slurm(shell)


@pytest.fixture(scope="module", autouse=True)
def past_its_time(tmp_path_factory) -> tuple[Shell, str]:
    """A job that asks for one minute and would sleep for five, submitted before the module's
    other tests so that its wait for the time limit overlaps them."""
    shell = Shell(tmp_path_factory.mktemp("timeout"))
    return shell, sbatch(shell, "--time=1", "--output=late.out", wrap="echo started; sleep 300")


def test_nodes_share_out_the_machine(shell):
    """Several nodes; each may give a job all of the machine's cores, and the limit on cores in
    use at once (the QOS every job gets) is the machine's number of cores."""
    out = shell.run(["sinfo", "--noheader", "--Node", "--format=%N|%P|%c|%m"]).stdout
    nodes = [line.split("|") for line in out.splitlines()]
    assert len({name for name, *_ in nodes}) >= 2, out
    assert all(partition.rstrip("*") == "lesson" for _, partition, _, _ in nodes), out
    assert all(int(cpus) == CORES for _, _, cpus, _ in nodes), out
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    assert sum(int(mb) for *_, mb in nodes) <= memory, out
    qos = shell.run(["sacctmgr", "--noheader", "--parsable2", "show", "qos", "normal"]).stdout
    assert f"cpu={CORES}|" in qos, qos


def test_array_tasks_wait_for_cores_without_oversubscribing(shell, slurm):
    """While an array's tasks wait, the cores of all running jobs (other tests' too) never add up
    to more than the machine has, and a waiting task says why; no task is pinned to a single
    core that another node's tasks share."""
    tasks = 2 * CORES
    job = sbatch(
        shell,
        f"--array=0-{tasks - 1}",
        "--output=task-%a.out",
        wrap="grep Cpus_allowed_list /proc/self/status; sleep 3",
    )
    reasons, most = set(), 0
    while queued := slurm.queued([job]):
        reasons |= {why for _, state, why in queued if state == "PENDING"}
        running = shell.run(["squeue", "--noheader", "--states=RUNNING", "--format=%C"]).stdout
        most = max(most, sum(int(n) for n in running.split()))
        time.sleep(0.2)
    assert 0 < most <= CORES, f"{most} cores in use at once on a {CORES}-core machine"
    assert "QOSGrpCpuLimit" in reasons, reasons
    slurm.wait([job], records=tasks)
    states = {k: v["State"] for k, v in steps(shell, job, "State").items() if "." not in k}
    assert len(states) == tasks and set(states.values()) == {"COMPLETED"}, states
    for task in range(tasks):
        text = (shell.cwd / f"task-{task}.out").read_text()
        allowed = cpu_list(re.search(r"Cpus_allowed_list:\s*(\S+)", text).group(1))
        assert allowed == set(range(CORES)), f"task {task} was pinned to cores {allowed}"


def test_array_tasks_run_on_different_nodes(shell, slurm):
    """Two array tasks that each ask for more than half of a node's memory cannot share a node;
    each waits (up to five minutes) until the other has started. They ran side by side, so on
    two nodes, which squeue and sacct name. (On an idle cluster small tasks spread too, since
    each job goes to the least loaded node; with other tests' jobs running, that varies.)"""
    node_mb = min(
        map(int, shell.run(["sinfo", "--noheader", "--Node", "--format=%m"]).stdout.split())
    )
    wait_for_both = (
        "touch started-$SLURM_ARRAY_TASK_ID; for i in $(seq 300); do"
        " [ -e started-0 ] && [ -e started-1 ] && exit 0; sleep 1; done; exit 1"
    )
    job = sbatch(shell, "--array=0-1", f"--mem={node_mb // 2 + 100}M", wrap=wait_for_both)
    slurm.wait([job], timeout=420, records=2)
    records = {k: v for k, v in steps(shell, job, "State,NodeList").items() if "." not in k}
    assert {r["State"] for r in records.values()} == {"COMPLETED"}, records
    assert len({r["NodeList"] for r in records.values()}) == 2, records


def test_more_cores_than_a_node_has_is_refused(shell):
    proc = shell.run(
        ["sbatch", f"--cpus-per-task={CORES + 1}", "--wrap=true"], check=False, timeout=60
    )
    assert proc.returncode == 1, proc
    assert "Requested node configuration is not available" in proc.stderr, proc.stderr


def test_more_memory_than_a_node_has_is_refused(shell):
    """local-cluster.md: each node has half of the machine's memory; more is refused."""
    node_mb = max(
        map(int, shell.run(["sinfo", "--noheader", "--Node", "--format=%m"]).stdout.split())
    )
    proc = shell.run(["sbatch", f"--mem={node_mb + 100}M", "--wrap=true"], check=False)
    assert proc.returncode == 1, proc
    assert "Memory specification can not be satisfied" in proc.stderr, proc.stderr


def test_an_unknown_account_is_refused(shell):
    proc = shell.run(["sbatch", "--account=nosuchproject", "--wrap=true"], check=False)
    assert proc.returncode == 1, proc
    assert "Invalid account" in proc.stderr, proc.stderr


def test_memory_is_measured_and_limited(shell, slurm):
    """A job that stays within --mem is measured (MaxRSS of its .batch step); one that goes past
    it is stopped, with the message a learner sees: by the kernel (OUT_OF_MEMORY) where the
    cluster uses cgroup v1, by Slurm's sampling (FAILED, signal 9) where it does not."""
    hold = "import time; b = bytearray({mb} * 2**20); time.sleep(3)"
    fits = sbatch(
        shell, "--mem=400M", "--output=fits.out", wrap=f'python3 -c "{hold.format(mb=200)}"'
    )
    big = sbatch(
        shell, "--mem=100M", "--output=big.out", wrap=f'python3 -c "{hold.format(mb=400)}"'
    )
    slurm.wait([fits, big])
    limits = memory_limits()

    measured = steps(shell, fits, "State,MaxRSS")
    assert measured[fits]["State"] == "COMPLETED", measured
    # The .extern step (processes that reach the node other than through Slurm) needs cgroups.
    expected = {f"{fits}.batch"} | ({f"{fits}.extern"} if limits == "cgroup" else set())
    assert set(measured) - {fits} == expected, measured
    rss = measured[f"{fits}.batch"]["MaxRSS"]
    assert 190 * 1024 <= kib(rss) < 400 * 1024, measured

    stopped = steps(shell, big, "State,ExitCode")
    said = (shell.cwd / "big.out").read_text()
    if limits == "cgroup":
        assert stopped[big] == {"State": "OUT_OF_MEMORY", "ExitCode": "0:125"}, stopped
        assert re.search(r"oom-kill event\(s\) in StepId=\d+\.batch", said), said
    else:
        assert stopped[big] == {"State": "FAILED", "ExitCode": "0:9"}, stopped
        assert re.search(rf"StepId={big}\.batch exceeded memory limit \(\d+ > 104857600\)", said)
        assert "Exceeded job memory limit" in said, said


def test_time_limit_stops_a_job(past_its_time):
    shell, job = past_its_time
    Slurm(shell).wait([job], timeout=240)
    record = steps(shell, job, "State,Elapsed")[job]
    assert record["State"] == "TIMEOUT", record
    minutes, seconds = map(int, record["Elapsed"].split(":")[-2:])
    assert 60 <= 60 * minutes + seconds < 150, record
    out = (shell.cwd / "late.out").read_text()
    assert out.startswith("started\n") and re.search(r"CANCELLED AT \S+ DUE TO TIME LIMIT", out), (
        out
    )
