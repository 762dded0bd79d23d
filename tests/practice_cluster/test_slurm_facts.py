"""What the pages say about Slurm and Snakemake's Slurm plugin, checked on the practice cluster.

- dependencies.md's table of dependency types: every row has a check below that submits tiny jobs
  and compares sacct's states and Start/End times with what the row says (a row without a check
  fails), several IDs in one dependency, and `--kill-on-invalid-dep=yes`;
- the values the pages quote from `scontrol show config` (MaxArraySize, MinJobAge), read with the
  pages' own commands, and the array indices MaxArraySize allows;
- the plugin options the pages name, in `snakemake --help`, its defaults, and its clean-up of old
  Slurm logs.

All jobs are submitted together before the first test (module fixture `jobs`) and sleep a second
or two (one waits for the job that depends on its start), so they have ended while the plugin's
tests run Snakemake; the module takes about half a minute.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib.metadata
import os
import re
import shutil
import subprocess
import time
import uuid

import pytest
import snakemake_executor_plugin_slurm
from markdown_it import MarkdownIt

from lessontest.pages import command
from lessontest.paths import CONTENT, VENV_BIN
from lessontest.shell import learner_env, run
from lessontest.slurm import Shell, Slurm, submitted_id

pytestmark = pytest.mark.slurm

NEVER = "DependencyNeverSatisfied"


def page_text(name: str) -> str:
    return (CONTENT / name).read_text(encoding="utf-8")


def page_number(page: str, pattern: str) -> int:
    """The number a page states, found with `pattern` (one group; any whitespace between words)."""
    match = re.search(pattern.replace(" ", r"\s+"), page_text(page))
    assert match, f"{page} no longer says {pattern!r}: update this test with the page"
    return int(match.group(1))


def dependency_table() -> dict[str, str]:
    """dependencies.md's table of dependency types: {type: its first cell}, e.g.
    {"afterok": "afterok:ID", ..., "singleton": "singleton"}."""
    tokens = MarkdownIt("commonmark").enable("table").parse(page_text("dependencies.md"))
    tables, cells = [], None
    for token in tokens:
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            cells = []
        elif token.type == "inline" and cells is not None:
            cells.append(token.content)
        elif token.type == "tr_close":
            tables[-1].append(cells)
            cells = None
    found = [t for t in tables if t[0][0] == "dependency"]
    assert len(found) == 1, "dependencies.md: expected one table whose first column is 'dependency'"
    rows = found[0]
    spellings = [row[0].strip("`") for row in rows[1:]]
    return {spelling.split(":")[0]: spelling for spelling in spellings}


DEPENDENCIES = dependency_table()


def dependency(kind: str, *job_ids: str) -> str:
    """The --dependency option for `kind`, spelled as the page's table spells it."""
    assert kind in DEPENDENCIES, f"dependencies.md's dependency table has no row {kind!r}"
    spelling = DEPENDENCIES[kind]
    if job_ids:
        spelling = spelling.replace(":ID", "".join(f":{job}" for job in job_ids))
    return f"--dependency={spelling}"


@dataclasses.dataclass(frozen=True)
class Record:
    state: str
    start: datetime.datetime | None  # None: the job never started
    end: datetime.datetime | None


def _time(text: str) -> datetime.datetime | None:
    return None if text in ("None", "Unknown") else datetime.datetime.fromisoformat(text)


class Jobs:
    """The module's jobs, by the names the checks use, in one folder of their own."""

    def __init__(self, folder):
        self.shell = Shell(folder)
        self.slurm = Slurm(self.shell)
        self.ids: dict[str, str] = {}
        self.waiting: dict[str, tuple[str, str]] = {}

    def submit(self, key: str, *options: str, wrap: str = "true") -> str:
        out = self.shell.run(["sbatch", "--time=1", *options, "--wrap", wrap])
        self.ids[key] = submitted_id(out.stdout)
        return self.ids[key]

    def __getitem__(self, key: str) -> str:
        return self.ids[key]

    def ended(self, *keys: str, records: int | None = None) -> dict[str, Record]:
        """Wait until the jobs `keys` have left the queue and sacct has their final states;
        {job ID (with _task for array tasks): its record}. `records`: as for Slurm.wait."""
        ids = [self.ids[key] for key in keys]
        self.slurm.wait(ids, timeout=90, records=records)
        out = self.shell.run(
            [
                "sacct",
                "--noheader",
                "--parsable2",
                "--allocations",
                f"--jobs={','.join(ids)}",
                "--format=JobID,State,Start,End",
            ]
        ).stdout
        found, pending_parts = {}, []
        for line in out.splitlines():
            job, state, start, end = line.split("|")
            record = Record(state.split()[0], _time(start), _time(end))
            if part := re.fullmatch(r"(\d+)_\[([\d,-]+)\]", job):
                pending_parts.append((part.group(1), part.group(2), record))
            else:
                found[job] = record
        # Tasks cancelled before they started are one record, the pending part of their array,
        # named by the array's whole range ("123_[0-1]") or the rest of it ("123_[1]"): it is the
        # record of each task of that range that has none of its own.
        for job, ranges, record in pending_parts:
            for piece in ranges.split(","):
                first, _, last = piece.partition("-")
                for task in range(int(first), int(last or first) + 1):
                    found.setdefault(f"{job}_{task}", record)
        return found

    def state_in_queue(self, job: str) -> tuple[str, str] | None:
        """(state, reason) of a job or array task ("123_1") while it is queued, else None."""
        queued = self.slurm.queued([job.split("_")[0]])
        return next(((state, why) for j, state, why in queued if j == job), None)

    def wait_until_queued_as(self, job: str, state: str, reason: str, timeout: float = 60):
        """Slurm re-evaluates dependencies on its own schedule: poll squeue for a while."""
        deadline = time.monotonic() + timeout
        while (seen := self.state_in_queue(job)) != (state, reason):
            assert time.monotonic() < deadline, f"job {job}: expected {state} ({reason}), {seen}"
            time.sleep(1)

    def queue_once_decided(self, job_ids, timeout: float = 60) -> dict[str, tuple[str, str]]:
        """{job or array task: (state, reason)} of the jobs still queued, once Slurm has given
        each a reason (a job that has just been submitted shows None for a moment; on a busy
        machine, seen in a run with three test workers, for more than ten seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            queued = {job: (state, why) for job, state, why in self.slurm.queued(list(job_ids))}
            decided = all(why != "None" or state != "PENDING" for state, why in queued.values())
            if decided or time.monotonic() > deadline:
                return queued
            time.sleep(0.5)

    def assert_waited(self, key: str):
        """The job `key` (every task of it) was pending on its dependency while its sources
        could not start yet (see the fixture `jobs`)."""
        job = self.ids[key]
        seen = {j: s for j, s in self.waiting.items() if j.split("_")[0] == job}
        assert seen and set(seen.values()) == {("PENDING", "Dependency")}, (
            f"{key} ({job}) while its sources were held: {seen or 'not queued'}"
        )

    def cancel(self, *jobs: str):
        self.shell.run(["scancel", *jobs])


@pytest.fixture(scope="module", autouse=True)
def jobs(tmp_path_factory):
    """Submit every job of the dependency checks at once, before the module's first test, so
    that they run side by side, and while the tests of the plugin run Snakemake."""
    jobs = Jobs(tmp_path_factory.mktemp("slurm-facts"))
    # First, so that they get the first free cores: a job that cannot start for 3 s and then
    # runs until the job that depends on its start has run (or until its time limit: five
    # minutes, since on a busy cluster that job may wait a while for a free core).
    late = jobs.submit(
        "late", "--begin=now+3", "--time=5", wrap="until [ -e after.ran ]; do sleep 1; done"
    )
    jobs.submit("after", dependency("after", late), wrap="touch after.ran")
    # Sources, held until every job that depends on them is in the queue.
    array = jobs.submit("array", "--hold", "--array=0-1", wrap="sleep $((1 + SLURM_ARRAY_TASK_ID))")
    fails = jobs.submit("fails", "--hold", wrap="sleep 1; exit 1")
    # Two tasks: 0 succeeds, 1 fails.
    corr = jobs.submit("corr", "--hold", "--array=0-1", wrap="sleep 1; exit $SLURM_ARRAY_TASK_ID")
    name = f"facts-{uuid.uuid4().hex[:8]}"
    single = jobs.submit(
        "single_1", "--hold", f"--job-name={name}", dependency("singleton"), wrap="sleep 1"
    )
    # A singleton job does not wait for a job of the same name submitted after it: submit it held,
    # then a held job of the same name, then release only the first.
    other = f"facts-{uuid.uuid4().hex[:8]}"
    first = jobs.submit("single_first", "--hold", f"--job-name={other}", dependency("singleton"))
    jobs.submit("single_later", "--hold", f"--job-name={other}")
    # Jobs that depend on them.
    jobs.submit("single_2", f"--job-name={name}", dependency("singleton"))
    jobs.submit("afterok", dependency("afterok", array))
    jobs.submit("afternotok_of_failed", dependency("afternotok", fails))
    jobs.submit("afternotok_of_succeeded", dependency("afternotok", array))
    jobs.submit("afterany", dependency("afterany", fails))
    jobs.submit("aftercorr", "--array=0-1", dependency("aftercorr", corr))
    jobs.submit("afterok_both", dependency("afterok", array, jobs["single_2"]))
    kill_option = page_option("dependencies.md", "--kill-on-invalid-dep")
    jobs.submit("killed", dependency("afterok", fails), kill_option)
    # Without its dependency, each of these would start at once (or wait for a free core); with
    # it, it waits with the reason Dependency while its sources cannot start.
    jobs.waiting = jobs.queue_once_decided(jobs.ids.values())
    jobs.shell.run(["scontrol", "release", array, fails, corr, single, first])
    yield jobs
    # Whatever a failed check left in the queue: only this module's own jobs.
    leftover = {job.split("_")[0] for job, _, _ in jobs.slurm.queued(list(jobs.ids.values()))}
    if leftover:
        jobs.cancel(*sorted(leftover))


def page_option(page: str, option: str) -> str:
    """The one inline-code `option=value` the page tells learners to add."""
    found = set(re.findall(rf"`({re.escape(option)}=[^`\s]+)`", page_text(page)))
    assert len(found) == 1, f"{page}: expected one `{option}=...`, found {sorted(found)}"
    return found.pop()


# --- Snakemake's Slurm plugin ----------------------------------------------------------------

# Written like a plugin option in inline code on a page, but something else.
NOT_OPTIONS = {"slurm-client"}  # a Debian package (local-cluster.md)


def page_options() -> dict[str, list[str]]:
    """{option name: [pages]} of every Snakemake option a page writes in inline code: `--name`,
    a profile key `name: value`, or `name` alone, for the plugin's `slurm-...` options and the
    status-check intervals."""
    pattern = re.compile(r"`(?:--)?((?:slurm-[a-z-]+|[a-z-]+-status-checks))(?:: [^`]+)?`")
    found: dict[str, list[str]] = {}
    for page in sorted(CONTENT.glob("*.md")):
        for name in pattern.findall(page.read_text(encoding="utf-8")):
            if name not in NOT_OPTIONS:
                found.setdefault(name, []).append(page.name)
    return found


def snakemake_help(folder, path: list) -> str:
    env = learner_env({"PATH": os.pathsep.join(map(str, path))})
    return run(["snakemake", "--help"], folder, env=env).stdout


@pytest.fixture(scope="module")
def help_where_sacct_fails(tmp_path_factory) -> str:
    """`snakemake --help` where the sacct command is installed but fails, as on a cluster without
    job accounting (a fake sacct first on PATH). Only the status command's default depends on
    that, so the option names are checked in this one run's text as well."""
    folder = tmp_path_factory.mktemp("sacct-fails")
    (folder / "sacct").write_text(
        "#!/bin/sh\necho 'sacct: error: Slurm accounting storage is disabled' >&2\nexit 1\n"
    )
    (folder / "sacct").chmod(0o755)
    return snakemake_help(folder, [folder, VENV_BIN, *os.environ["PATH"].split(os.pathsep)])


def test_plugin_options_exist(help_where_sacct_fails):
    """Every option the pages name is an option of the pinned Snakemake and plugin."""
    options = page_options()
    assert "slurm-keep-successful-logs" in options, "the pattern above no longer finds options"
    missing = {
        name: pages
        for name, pages in options.items()
        if not re.search(rf"(?<![\w-])--{name}(?![\w-])", help_where_sacct_fails)
    }
    assert not missing, f"not in `snakemake --help`: {missing}"


def test_plugin_waits_40_s_before_the_first_status_check():
    """snakemake.md: the plugin's first status check comes 40 s after submission by default."""
    defaults = {
        field.name: field.default
        for field in dataclasses.fields(snakemake_executor_plugin_slurm.ExecutorSettings)
    }
    wait = page_number("snakemake-slurm.md", r"defaults wait (\d+) s before the first check")
    assert defaults["init_seconds_before_status_checks"] == wait


def status_command_default(help_text: str) -> str:
    """The status command the plugin chose by itself, from `snakemake --help`."""
    entry = re.search(r"^  --slurm-status-command VALUE\n(.*?)^  --", help_text, re.M | re.S)
    assert entry, help_text
    chosen = re.search(r"Default: '(\w+)'", " ".join(entry.group(1).split()))
    assert chosen, entry.group(1)
    return chosen.group(1)


def test_plugin_chooses_sacct_whenever_it_is_installed(help_where_sacct_fails, tmp_path):
    """instructor-guide.md: plugin 2.8 chooses sacct whenever the command exists, also where it
    fails because job accounting is off, and squeue only where sacct is not installed."""
    said = re.search(r"plugin (\d+\.\d+) chooses by itself", page_text("instructor-guide.md"))
    assert said, "instructor-guide.md no longer names the plugin's version"
    installed = importlib.metadata.version("snakemake-executor-plugin-slurm")
    assert installed.startswith(f"{said.group(1)}."), installed

    assert status_command_default(help_where_sacct_fails) == "sacct"

    # No sacct command: only the Slurm commands the plugin asks, and `which`, which it asks with.
    for name in ("which", "sinfo", "squeue", "scontrol"):
        (tmp_path / name).symlink_to(shutil.which(name))
    assert status_command_default(snakemake_help(tmp_path, [tmp_path, VENV_BIN])) == "squeue"


def test_plugin_removes_old_logs_unless_told_to_keep(tmp_path):
    """snakemake.md: a run removes the Slurm logs older than 10 days (and keeps younger ones);
    with --slurm-keep-successful-logs it keeps them all. A run with nothing to do is enough; the
    two runs, each in a workflow folder of its own, run side by side."""
    days = page_number("snakemake-slurm.md", r"removes logs older than (\d+) days")
    base = ["snakemake", "--executor", "slurm", "--jobs", "1"]
    runs = {"default": base, "keep": [*base, "--slurm-keep-successful-logs"]}
    logs = {}
    for name in runs:
        folder = tmp_path / name
        (folder / ".snakemake" / "slurm_logs" / "rule_x").mkdir(parents=True)
        (folder / "Snakefile").write_text('rule all:\n    input: "done.txt"\n')
        (folder / "done.txt").write_text("")
        logs[name] = {}
        for age, days_ago in (("old", days + 1), ("young", days - 1)):
            log = folder / ".snakemake" / "slurm_logs" / "rule_x" / f"{age}.log"
            log.write_text("")
            stamp = time.time() - days_ago * 86400
            os.utime(log, (stamp, stamp))
            logs[name][age] = log
    procs = {
        name: subprocess.Popen(
            argv,
            cwd=tmp_path / name,
            env=learner_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name, argv in runs.items()
    }
    for name, proc in procs.items():
        output = proc.communicate(timeout=300)[0]
        assert proc.returncode == 0, f"{runs[name]} failed:\n{output}"
    assert not logs["default"]["old"].exists() and logs["default"]["young"].exists()
    assert logs["keep"]["old"].exists() and logs["keep"]["young"].exists()


# --- scontrol show config --------------------------------------------------------------------


def config_value(shell, page: str, block: str, key: str) -> int:
    """Run the page's block; the number it prints for `key`, and check that the cluster's
    slurm.conf does not set `key` (so the number is Slurm's default)."""
    out = shell.run(command(page, block)).stdout
    match = re.fullmatch(rf"{key}\s*=\s*(\d+)(?: sec)?", out.strip())
    assert match, f"{page}#{block} printed {out!r}"
    config = shell.run(["scontrol", "show", "config"]).stdout
    path = re.search(r"^SLURM_CONF\s*=\s*(\S+)", config, re.MULTILINE).group(1)
    with open(path, encoding="utf-8") as conf:
        set_lines = [line for line in conf if line.strip().lower().startswith(key.lower())]
    assert not set_lines, f"the practice cluster's {path} sets {set_lines}: not the default"
    return int(match.group(1))


def test_max_array_size(shell):
    """submission-script.md: Slurm's default MaxArraySize is 1001, which allows indices 0 to
    1000; the page's command shows it."""
    default = page_number("submission-script.md", r"Slurm's default, (\d+), allows")
    highest = page_number("submission-script.md", r"allows indices 0 to (\d+)")
    value = config_value(shell, "submission-script.md", "submission-max-array-size", "MaxArraySize")
    assert value == default
    ok = shell.run(["sbatch", "--hold", "--time=1", f"--array={highest}", "--wrap", "true"])
    shell.run(["scancel", submitted_id(ok.stdout)])
    too_high = shell.run(
        ["sbatch", "--hold", "--time=1", f"--array={highest + 1}", "--wrap", "true"], check=False
    )
    assert too_high.returncode != 0, f"index {highest + 1} was accepted: {too_high.stdout}"
    assert "Invalid job array specification" in too_high.stderr


def test_min_job_age(shell):
    """instructor-guide.md: MinJobAge is 300 s by default; the page's command shows it."""
    default = page_number("instructor-guide.md", r"`MinJobAge` seconds, (\d+) s by default")
    value = config_value(shell, "instructor-guide.md", "instructor-min-job-age", "MinJobAge")
    assert value == default


# --- dependencies.md: one check per row of its table of dependency types ----------------------

CHECKS = {}


def assert_ran_after(rec: dict[str, Record], job: str, *others: str):
    """`job` completed, and started only once every one of `others` had ended."""
    assert rec[job].state == "COMPLETED", rec
    assert rec[job].start >= max(rec[other].end for other in others), rec


def checks(kind):
    def register(function):
        CHECKS[kind] = function
        return function

    return register


@checks("afterok")
def _afterok(jobs):
    """Starts once the other job has succeeded; for an array, once every task has."""
    jobs.assert_waited("afterok")
    tasks = [f"{jobs['array']}_0", f"{jobs['array']}_1"]
    rec = jobs.ended("array", "afterok", records=3)
    assert all(rec[task].state == "COMPLETED" for task in tasks), rec
    assert_ran_after(rec, jobs["afterok"], *tasks)


@checks("afternotok")
def _afternotok(jobs):
    """Starts once the other job has failed; after a job that succeeded, it never starts."""
    jobs.assert_waited("afternotok_of_failed")
    jobs.assert_waited("afternotok_of_succeeded")
    rec = jobs.ended("fails", "afternotok_of_failed")
    assert rec[jobs["fails"]].state == "FAILED", rec
    assert_ran_after(rec, jobs["afternotok_of_failed"], jobs["fails"])

    never = jobs["afternotok_of_succeeded"]
    jobs.wait_until_queued_as(never, "PENDING", NEVER)
    jobs.cancel(never)
    rec = jobs.ended("afternotok_of_succeeded")
    assert rec[never].state == "CANCELLED" and rec[never].start is None, rec


@checks("afterany")
def _afterany(jobs):
    """Starts once the other job has ended, also when it failed."""
    jobs.assert_waited("afterany")
    rec = jobs.ended("fails", "afterany")
    assert rec[jobs["fails"]].state == "FAILED", rec
    assert_ran_after(rec, jobs["afterany"], jobs["fails"])


@checks("after")
def _after(jobs):
    """Starts once the other job has started: here while it is still running, since that job
    runs until this one has run. It could not start for 3 s (--begin), so without the dependency
    this one would have started first."""
    jobs.assert_waited("after")
    rec = jobs.ended("late", "after")
    job, late = rec[jobs["after"]], rec[jobs["late"]]
    assert job.state == "COMPLETED", rec
    assert late.state == "COMPLETED", f"it ran into its time limit waiting for this job: {rec}"
    assert job.start >= late.start, rec


@checks("aftercorr")
def _aftercorr(jobs):
    """Task i starts once task i of the other array has succeeded: task 0 runs although the
    other array's task 1 failed, and task 1 never starts."""
    jobs.assert_waited("aftercorr")
    c, d = jobs["corr"], jobs["aftercorr"]
    jobs.wait_until_queued_as(f"{d}_1", "PENDING", NEVER)
    jobs.cancel(f"{d}_1")
    rec = jobs.ended("corr", "aftercorr", records=4)
    assert rec[f"{c}_0"].state == "COMPLETED" and rec[f"{c}_1"].state == "FAILED", rec
    assert_ran_after(rec, f"{d}_0", f"{c}_0")
    assert rec[f"{d}_1"].state == "CANCELLED" and rec[f"{d}_1"].start is None, rec


@checks("singleton")
def _singleton(jobs):
    """Starts once every job of the same name and user submitted before it has ended; a job of
    that name submitted later does not hold it back."""
    jobs.assert_waited("single_2")
    rec = jobs.ended("single_1", "single_2")
    assert rec[jobs["single_1"]].state == "COMPLETED", rec
    assert_ran_after(rec, jobs["single_2"], jobs["single_1"])

    rec = jobs.ended("single_first")
    assert rec[jobs["single_first"]].state == "COMPLETED", rec
    assert jobs.state_in_queue(jobs["single_later"]) == ("PENDING", "JobHeldUser")
    jobs.cancel(jobs["single_later"])


@pytest.mark.parametrize("kind", DEPENDENCIES)
def test_dependency_table_row(jobs, kind):
    """Each row of dependencies.md's dependency table behaves as the row says."""
    assert kind in CHECKS, (
        f"dependencies.md's dependency table has a row {kind!r} that no check tests"
    )
    CHECKS[kind](jobs)


def test_every_check_has_its_row():
    assert set(CHECKS) <= set(DEPENDENCIES), "a check for a row the table no longer has"


def test_several_ids_wait_for_all(jobs):
    """`afterok:123:124`: the job waits for all of them."""
    jobs.assert_waited("afterok_both")
    others = [f"{jobs['array']}_0", f"{jobs['array']}_1", jobs["single_2"]]
    rec = jobs.ended("array", "single_2", "afterok_both", records=4)
    assert all(rec[other].state == "COMPLETED" for other in others), rec
    assert_ran_after(rec, jobs["afterok_both"], *others)


def test_kill_on_invalid_dep_removes_the_job(jobs):
    """With the page's `--kill-on-invalid-dep=yes`, a job whose dependency can never be satisfied
    leaves the queue by itself, without running (the practice cluster does not do that by
    default: a job whose dependency failed waits, as the afternotok check shows)."""
    jobs.assert_waited("killed")
    rec = jobs.ended("killed")
    job = rec[jobs["killed"]]
    # It never ran: Slurm made no output file for it. sacct shows no start time for such a job,
    # or, when the scheduler cancels it itself, its end time as its start (seen in CI).
    assert job.state == "CANCELLED" and job.start in (None, job.end), rec
    assert not (jobs.shell.cwd / f"slurm-{jobs['killed']}.out").exists(), "the job ran"
