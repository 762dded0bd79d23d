"""The practice cluster as containers, from the learners' download, as
content/container-cluster.md says (its Podman commands): up, then from the login node the core
chapters' cluster sessions (the batch job, the array, collecting, the pipeline, the Snakemake
profile, right-sizing's jobs over their memory and time), the page's job over its memory, then
down, leaving nothing behind. The image has Debian 13's Slurm (24.11): these are the lesson's
commands on a current Slurm, beside the host cluster's 22.05.

The tests run in order and share one cluster; the last one takes it down. The k-NN grid is the
small one (lessontest.shared.SMALL_GRID): every combination is a Slurm job.
"""

from __future__ import annotations

import pathlib
import re
import shutil
import subprocess
import time
import zipfile

import pytest

from lessontest.generators import code_archive
from lessontest.pages import command
from lessontest.paths import ROOT
from lessontest.podman import in_netns, netns_down, netns_up, podman_compose
from lessontest.shared import serial_reference, shrink_grid
from lessontest.shell import run
from lessontest.slurm import Slurm, sacct_table, submitted_id
from lessontest.tree import assert_same_files, tree_bytes

pytestmark = pytest.mark.slurm

PAGE = "container-cluster.md"
PROJECT = "lesson-cluster"  # the `name:` of cluster/compose/compose.yaml
NODES = {"node1", "node2"}


class Login:
    """A shell in the login node, in its working folder /lesson/code (the learner's code/), with
    the lesson's environment active. Its run() is lessontest.slurm.Shell's, so that
    lessontest.slurm.Slurm waits for jobs from here."""

    def __init__(self, compose_dir):
        self.compose_dir = compose_dir

    def run(self, cmd, *, check=True, timeout=600, cwd=None) -> subprocess.CompletedProcess:
        inner = ["bash", "-euo", "pipefail", "-c", cmd] if isinstance(cmd, str) else cmd
        exec_ = [podman_compose(), "exec", "-T", "login", *map(str, inner)]
        return in_netns(exec_, cwd or self.compose_dir, timeout=timeout, check=check)


def typed(block: str) -> list[str]:
    """A page block as a learner's shell runs it: without -e, so that a job that fails does not
    stop the block at `job=$(sbatch --wait ...)` (sbatch then exits with the job's code)."""
    return ["bash", "-uo", "pipefail", "-c", block]


def job_nodes(login: Login, job_ids) -> dict[str, str]:
    """{job ID (with _task): the node it ran on} from sacct, job allocations only."""
    out = login.run(
        [
            "sacct",
            "--noheader",
            "--parsable2",
            "--allocations",
            "--jobs=" + ",".join(job_ids),
            "--format=JobID,NodeList",
        ]
    ).stdout
    return dict(line.split("|") for line in out.splitlines())


@pytest.fixture(scope="module")
def lesson(compose_prerequisites, tmp_path_factory):
    """The learners' zip, unpacked into an empty folder: its top folder, with the small grid."""
    folder = tmp_path_factory.mktemp("download")
    archive = folder / "parallel-workflows-code.zip"
    code_archive.write_archive(ROOT, archive)
    with zipfile.ZipFile(archive) as unpack:
        unpack.extractall(folder)
    top = folder / code_archive.TOP
    shrink_grid(top / "code")
    return top


@pytest.fixture(scope="module")
def small_results(tmp_path_factory) -> dict[str, bytes]:
    return tree_bytes(serial_reference(tmp_path_factory, small=True) / "results")


@pytest.fixture(scope="module")
def small_summary(tmp_path_factory) -> bytes:
    """collecting-results.md's table, made on this machine from a copy of the serial run."""
    code = tmp_path_factory.mktemp("collected") / "code"
    shutil.copytree(serial_reference(tmp_path_factory, small=True), code, symlinks=True)
    run(command("collecting-results.md", "collect-run"), code)
    return (code / "results" / "summary.csv").read_bytes()


@pytest.fixture(scope="module")
def cluster(lesson):
    """The compose folder of the unpacked download, with the cluster started as the page says;
    taken down afterwards whatever happened (test_down_leaves_nothing checks that it worked)."""
    compose_dir = lesson / "cluster" / "compose"
    had_netns = netns_up()
    try:
        yield compose_dir
    finally:
        in_netns(command(PAGE, "compose-podman-down"), compose_dir, timeout=300, check=False)
        if not had_netns:
            netns_down()


@pytest.fixture(scope="module")
def login(cluster) -> Login:
    return Login(cluster)


@pytest.mark.timeout(1500)  # the first build of the image takes minutes
def test_up_and_check(lesson, cluster, login):
    """The page's up command from the top folder (it builds the image, then starts four
    containers), then the page's way in: check.sh runs a job on a compute node."""
    in_netns(command(PAGE, "compose-podman-up"), lesson, timeout=1200)
    deadline = time.monotonic() + 120
    while True:
        out = login.run(["sinfo", "--noheader", "--Node", "--format=%N %T"], check=False)
        states = dict(line.split() for line in out.stdout.splitlines() if line.strip())
        if states == dict.fromkeys(NODES, "idle"):
            break
        assert time.monotonic() < deadline, f"nodes not idle after 120 s: {out.stdout}"
        time.sleep(1)

    # What the learner types after the page's `exec login bash`, given to that shell on stdin.
    typed = cluster / "typed.sh"
    typed.write_text("set -euo pipefail\n" + command(PAGE, "compose-check") + "exit\n")
    enter = command(PAGE, "compose-podman-login").strip()
    out = in_netns(f"{enter} < {typed}", cluster, timeout=300).stdout.replace("\r", "")
    hello = re.search(r"^Hello from (node[12]), job (\d+)$", out, re.MULTILINE)
    assert hello, out
    # Its sacct record (slurmdbd may not have the job's name yet: "allocation").
    assert re.search(rf"^{hello.group(2)}\s+\S+\s+COMPLETED\s+0:0", out, re.MULTILINE), out


def test_slurm_is_debian_13s(login):
    """The cluster runs the Slurm of Debian 13 (24.11), at the version the Containerfile pins
    for every Slurm package."""
    containerfile = (ROOT / "cluster" / "compose" / "Containerfile").read_text()
    pinned = set(re.findall(r'"slurm[a-z-]*=([\d.]+)-\*"', containerfile))
    assert len(pinned) == 1 and pinned.pop().startswith("24.11."), containerfile
    version = re.search(r'"slurmctld=([\d.]+)-\*"', containerfile).group(1)
    for tool in ("sinfo", "sbatch", "sacct"):
        assert login.run([tool, "--version"]).stdout.split() == ["slurm-wlm", version], tool


def test_configuration_is_strict(login):
    """What slurm-conf.sh and start.sh set up, as Slurm reports it: the limits the page
    describes, two nodes with every core each, at most that many cores in use at once (the QOS
    every job gets), and the account lesson as root's default."""
    config = dict(
        (part.strip() for part in line.split(" = ", 1))
        for line in login.run(["scontrol", "show", "config"]).stdout.splitlines()
        if " = " in line
    )
    assert config["JobAcctGatherType"] == "jobacct_gather/linux"
    assert config["JobAcctGatherParams"] == "OverMemoryKill"
    assert config["OverTimeLimit"] == "0 min"
    assert set(config["AccountingStorageEnforce"].split(",")) >= {"associations", "limits"}
    cores = login.run(["nproc"]).stdout.strip()
    nodes = login.run(["sinfo", "--noheader", "--Node", "--format=%N %c %P"]).stdout.split("\n")
    assert sorted(filter(None, nodes)) == [f"node1 {cores} lesson*", f"node2 {cores} lesson*"]
    limit = login.run(
        ["sacctmgr", "--noheader", "--parsable2", "show", "qos", "normal", "format=GrpTRES"]
    ).stdout.split()
    assert limit == [f"cpu={cores}"], limit
    default = login.run(
        ["sacctmgr", "--noheader", "--parsable2", "show", "user", "root", "format=DefaultAccount"]
    ).stdout.split()
    assert default == ["lesson"]


@pytest.mark.timeout(600)
def test_batch_job_makes_the_serial_results(login, lesson, small_results):
    """batch-job.md's serial job, typed in the login node: the same result files as the serial
    run on this machine, and the output file its #SBATCH line names."""
    job = submitted_id(login.run(command("batch-job.md", "batch-submit")).stdout)
    states = Slurm(login).wait([job], timeout=300)
    assert states == {job: "COMPLETED"}, states
    assert (lesson / "code" / f"slurm-knn-serial-{job}.out").exists()
    assert_same_files(tree_bytes(lesson / "code" / "results"), small_results)


@pytest.mark.timeout(600)
def test_array_job_makes_the_serial_results_on_both_nodes(login, lesson, small_results):
    """array-jobs.md's commands in their order (the parameter file, one task by hand, then the
    array, which first deletes the results): one task per line, each COMPLETED, the serial run's
    result files, and tasks on both compute nodes."""
    for name in ("array-make-params", "array-try-one-task"):
        login.run(command("array-jobs.md", name))
    job = submitted_id(login.run(command("array-jobs.md", "array-submit")).stdout)
    tasks = len((lesson / "code" / "params.txt").read_text().splitlines())
    states = Slurm(login).wait([job], timeout=300, records=tasks)
    assert states == {f"{job}_{task}": "COMPLETED" for task in range(tasks)}, states
    assert_same_files(tree_bytes(lesson / "code" / "results"), small_results)
    assert set(job_nodes(login, [job]).values()) == NODES


def test_collect_makes_the_serial_runs_table(login, lesson, small_summary):
    """collecting-results.md's command in the login node, on the array's results: the same
    table, byte for byte, as the same command on this machine after the serial run."""
    login.run(command("collecting-results.md", "collect-run"))
    assert (lesson / "code" / "results" / "summary.csv").read_bytes() == small_summary


@pytest.mark.timeout(900)
def test_pipeline_runs_on_both_nodes(login, lesson, small_results):
    """dependencies.md's pipeline, typed in the login node: byte-identical results to the serial
    run on this machine, and the array's tasks ran on both compute nodes."""
    out = login.run(command("dependencies.md", "dependencies-pipeline")).stdout
    ids = dict(re.findall(r"^(preprocess|array|collect) job:\s+(\d+)", out, re.MULTILINE))
    assert set(ids) == {"preprocess", "array", "collect"}, out
    tasks = len((lesson / "code" / "params.txt").read_text().splitlines())
    assert tasks == len(small_results) // 2  # one .json and one .png per combination

    states = Slurm(login).wait(ids.values(), timeout=600, records=2 + tasks)
    assert set(states.values()) == {"COMPLETED"}, states
    produced = tree_bytes(lesson / "code" / "results")
    summary = {name: produced.pop(name) for name in ("summary.csv", "summary.png")}
    assert_same_files(produced, small_results)
    assert summary["summary.csv"].count(b"\n") == tasks + 1  # a header and one row each

    nodes = job_nodes(login, [ids["array"]])
    assert len(nodes) == tasks and set(nodes.values()) == NODES, nodes


@pytest.mark.timeout(900)
def test_snakemake_profile_runs_on_both_nodes(login, lesson, small_results):
    """snakemake-slurm.md's Slurm run, typed in the login node: every job through Slurm, on both
    nodes, with the same result files as the serial run."""
    since = login.run(["date", "+%Y-%m-%dT%H:%M:%S"]).stdout.strip()
    time.sleep(1)  # sacct's --starttime counts whole seconds
    out = login.run(command("snakemake-slurm.md", "snakemake-slurm"), timeout=800)
    produced = tree_bytes(lesson / "code" / "results")
    for name in ("summary.csv", "summary.png"):
        produced.pop(name)
    assert_same_files(produced, small_results)

    acct = login.run(
        [
            "sacct",
            "--noheader",
            "--parsable2",
            "--allocations",
            f"--starttime={since}",
            "--format=JobID,State,NodeList",
        ]
    ).stdout
    jobs = [line.split("|") for line in acct.splitlines()]
    # preprocess, one job per combination, collect
    assert len(jobs) == len(small_results) // 2 + 2, (acct, out.stderr[-2000:])
    assert {state for _job, state, _node in jobs} == {"COMPLETED"}, acct
    assert {node for _job, _state, node in jobs} == NODES, acct


@pytest.mark.timeout(300)
def test_job_over_its_memory_is_killed(login, lesson):
    """The page's job that uses 500 MB after asking for 100 MB: Slurm kills it, and sacct and
    its output file say why (the state the page shows)."""
    out = login.run(command(PAGE, "compose-memory-submit") + 'echo "$job"\n').stdout
    job = out.split()[-1]
    states = Slurm(login).wait([job], timeout=120)
    assert states == {job: "FAILED"}, states
    shown = login.run(f"job={job}\n" + command(PAGE, "compose-memory-check")).stdout
    assert re.search(rf"^{job}\s+\S+\s+FAILED\s+0:9\s", shown, re.MULTILINE), shown
    assert re.search(rf"^{job}\.batch\s+batch\s+CANCELLED\S*\s+0:9\s+(\d+)K", shown, re.MULTILINE)
    assert f"StepId={job}.batch exceeded memory limit" in shown, shown
    assert (lesson / "code" / f"memory-{job}.out").exists()


@pytest.fixture(scope="module")
def full_grid(lesson) -> None:
    """The download's own grid.py again: right-sizing.md trains a combination that the small grid
    leaves out."""
    grid = pathlib.Path("code", "python", "scikit_example", "grid.py")
    shutil.copyfile(ROOT / grid, lesson / grid)


@pytest.mark.timeout(300)
def test_right_sizing_job_over_its_memory(login, full_grid):
    """right-sizing.md's job with too little memory: here Slurm's samples kill it, so it ends
    FAILED (signal 9) with Slurm's message, as the page's table says for such clusters. The
    block shows the output file's last two lines; Slurm writes its messages ("StepId=... exceeded
    memory limit (... > ...), being killed", "Exceeded job memory limit", the cancellation) in an
    order that varies, so one of the two about memory is among them."""
    out = login.run(typed(command("right-sizing.md", "sizing-out-of-memory"))).stdout
    rows = sacct_table(out)
    assert rows[0][1:4] == ["FAILED", "0:9", "100M"], out
    assert re.search(r"Exceeded job memory limit|StepId=\d+\.batch exceeded memory limit", out), out


@pytest.mark.timeout(400)
def test_right_sizing_job_over_its_time(login, lesson, full_grid):
    """right-sizing.md's job with too little time: TIMEOUT after its minute, Slurm's line at the
    end of its output, and no accuracy line (the training never finished)."""
    out = login.run(typed(command("right-sizing.md", "sizing-out-of-time"))).stdout
    rows = sacct_table(out)
    assert rows[0][1] == "TIMEOUT" and rows[0][4] == "00:01:00", out
    assert rows[0][3] >= rows[0][4], "Elapsed is at least the Timelimit (both HH:MM:SS)"
    assert "DUE TO TIME LIMIT" in out.splitlines()[-1], out
    output = (lesson / "code" / f"slurm-knn-one-{rows[0][0]}.out").read_text()
    assert "test accuracy" not in output, output


@pytest.mark.timeout(300)
def test_down_leaves_nothing(cluster):
    """The page's down command: no container, network or volume of the project is left."""
    in_netns(command(PAGE, "compose-podman-down"), cluster, timeout=300)
    label = f"label=io.podman.compose.project={PROJECT}"
    left = {
        "containers": ["podman", "ps", "--all", "--quiet", "--filter", label],
        "networks": ["podman", "network", "ls", "--quiet", "--filter", f"name={PROJECT}"],
        "volumes": ["podman", "volume", "ls", "--quiet", "--filter", label],
    }
    for kind, argv in left.items():
        assert in_netns(argv, cluster).stdout.strip() == "", f"{kind} of {PROJECT} remain"
