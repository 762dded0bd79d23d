"""Output that a page shows from a real run: recorded once, then checked for its shape on every run.

A page that shows what the cluster answered (sacct's lines, a job's last words, squeue's reasons)
never has that text typed in. It includes a file from _generated/recorded/<page>/<block>.txt,
which generators/recorded_outputs.py writes from recordings/<page>.json, which
`make record` (lessontest/record.py) makes by running the page's command blocks, in page
order, in one shell, on the practice cluster, in the folder a learner has when they reach the page
(`learner_copy()`): for a page of an optional track, code/ as the core path's commands left it
(lessontest.shared.after_core: results, summary, Snakemake's records); for any other page, a fresh
copy of code/.

The tests run the same blocks the same way and compare each included output's `shape()` with the
recording's: job IDs, times, sizes and node numbers may differ from run to run, while the states,
exit codes, columns and messages may not. A Slurm or plugin upgrade that changes what learners see
then fails CI instead of leaving a page that shows something else. They also fail when a block
that runs Snakemake to do work printed "Nothing to be done" (`idle_workflow_blocks()`): the files
were already there, made by an earlier page, and the page's story did not happen.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
import shlex
import subprocess
from dataclasses import dataclass, field

import pytest

from lessontest import learner
from lessontest.pages import command, load_page, session_blocks
from lessontest.paths import CONTENT, ROOT
from lessontest.shared import after_core as shared_after_core
from lessontest.shared import copy_state
from lessontest.shell import learner_env
from lessontest.tree import copy_code

RECORDINGS = ROOT / "recordings"
SHOWN = "_generated/recorded"
# literalinclude targets of the form /_generated/recorded/<page stem>/<block name>.txt
_INCLUDE = re.compile(r"/" + re.escape(SHOWN) + r"/([\w-]+)/([\w-]+)\.txt")


@dataclass
class Ran:
    """One block as a learner's terminal ran it: its text, exit status and output."""

    block: str
    status: int
    stdout: str
    stderr: str
    # The files the block's Snakemake commands send their output to (`> threads.log`), as they
    # were right after the block: {file name: text}.
    logs: dict[str, str] = field(default_factory=dict)


def shown_outputs(page: str) -> list[str]:
    """The blocks whose recorded output the page includes, in page order."""
    names = []
    for block in load_page(CONTENT / page).blocks:
        found = _INCLUDE.fullmatch(block.argument) if block.name == "literalinclude" else None
        if found:
            stem, name = found.groups()
            assert stem == pathlib.Path(page).stem, f"{page} shows another page's recording {stem}"
            names.append(name)
    return names


def run_session(page: str, cwd: pathlib.Path, timeout: float = 900) -> dict[str, Ran]:
    """Every block of `session_blocks(page)`, in page order, typed into ONE shell from `cwd` as a
    learner types them one after the other: a variable a block sets (`job=$(sbatch ...)`) is there
    for the next block, and a block that fails (a job the page makes fail on purpose) does not
    stop the ones after it. Each block's exit status is that of its last command, as `$?` would
    say. The files a block's Snakemake commands write their output to are read right after it.
    Run as root, the shell is an ordinary user's (`learner.session_user()`), who gets `cwd`."""
    names = session_blocks(page)
    outputs = cwd.parent / f"{cwd.name}-outputs"
    outputs.mkdir(exist_ok=True)

    def keep_logs(name: str) -> str:
        return "".join(
            f"[ -f {shlex.quote(log)} ] && cp {shlex.quote(log)} {outputs / name}.log{i}\n"
            for i, log in enumerate(snakemake_logs(command(page, name)))
        )

    # Job control on (-m), as in a learner's terminal: there, a command started with & can be
    # stopped with `kill -INT` as Ctrl-C would; without it, bash makes such a command ignore INT.
    # The shell has read site.env, as the setup page says every shell that submits jobs does
    # (on a strict site it names the partition, account, QOS and reservation).
    session = f"set -m -uo pipefail\n{command('setup.md', 'site-env')}\n" + "".join(
        f"{{\n{command(page, name)}\n}} >{outputs / name}.out 2>{outputs / name}.err\n"
        f"echo $? >{outputs / name}.status\n{keep_logs(name)}"
        for name in names
    )
    # As an ordinary user of the cluster, not root (lessontest.learner).
    user, env, as_user = learner.session_user(), learner_env(), []
    if user:
        learner.hand_over(user, cwd, outputs)
        env, as_user = learner.environment(user, env), ["runuser", "-m", "-u", user, "--"]
    subprocess.run(
        [*as_user, "bash", "-c", session], cwd=cwd, env=env, timeout=timeout, check=False
    )
    ran = {}
    for name in names:
        status = outputs / f"{name}.status"
        assert status.exists(), f"{page}: the session stopped before block {name}"
        logs = snakemake_logs(command(page, name))
        ran[name] = Ran(
            command(page, name),
            int(status.read_text()),
            (outputs / f"{name}.out").read_text(),
            (outputs / f"{name}.err").read_text(),
            {
                log: (outputs / f"{name}.log{i}").read_text()
                for i, log in enumerate(logs)
                if (outputs / f"{name}.log{i}").exists()
            },
        )
    return ran


# Snakemake options with which it only reports or tidies up, and runs no job.
_NO_WORK = {
    "-n",
    "--dry-run",
    "--dryrun",
    "--delete-all-output",
    "--delete-temp-output",
    "--rulegraph",
    "--dag",
    "--filegraph",
    "--lint",
    "--summary",
    "--detailed-summary",
    "--list-rules",
    "--unlock",
    "--version",
    "--help",
}
_SHELL_WORDS = {"|", "||", "&", "&&", ";"}
NOTHING_TO_DO = "Nothing to be done"


def _snakemake_commands(block: str) -> list[list[str]]:
    """The Snakemake commands of a block's text, as words: each line (a backslash continues it)
    that starts with `snakemake`, up to the end of that command."""
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:  # an unbalanced quote: split at spaces
            words = line.split()
        if words[:1] == ["snakemake"]:
            end = next((i for i, w in enumerate(words) if w in _SHELL_WORDS), len(words))
            commands.append(words[:end])
    return commands


def runs_snakemake_to_do_work(block: str) -> bool:
    """Whether a block runs Snakemake to run jobs: a `snakemake` command without --dry-run, -n or
    another option with which it only reports (--rulegraph, --delete-all-output, ...)."""
    return any(not _NO_WORK & set(words) for words in _snakemake_commands(block))


def snakemake_logs(block: str) -> list[str]:
    """The files a block's Snakemake commands send their output to (`> threads.log 2>&1`)."""
    logs = []
    for words in _snakemake_commands(block):
        for i, word in enumerate(words):
            target = words[i + 1] if word in (">", ">>") and i + 1 < len(words) else None
            if word.startswith(">") and word not in (">", ">>"):
                target = word.lstrip(">")
            if target and not target.startswith("&") and target not in logs:
                logs.append(target)
    return logs


def idle_workflow_blocks(ran: dict[str, Ran], shown: dict[str, str]) -> list[str]:
    """The blocks of a session (`ran`) that run Snakemake to do work but whose Snakemake printed
    "Nothing to be done", on the terminal or into the file it writes to: the files it would make
    were already there (an earlier page made them), so what the page says happens did not.
    A block whose output as the page shows it (`shown`: block -> recorded text) says so too is
    not counted: there, the page teaches that nothing is to be done."""
    return [
        name
        for name, run in ran.items()
        if isinstance(run, Ran)
        and runs_snakemake_to_do_work(run.block)
        and any(NOTHING_TO_DO in text for text in (run.stdout, run.stderr, *run.logs.values()))
        and NOTHING_TO_DO not in shown.get(name, "")
    ]


def shown_text(run: Ran) -> str:
    """What the page shows of a block's run: its output as a terminal interleaves it (stdout,
    then stderr: the blocks that are recorded print to one of them at a time)."""
    return run.stdout + run.stderr


# What may differ between two runs of the same block, replaced by a placeholder: dates and times,
# sizes with or without their unit, node names, and every other number (job IDs, process IDs,
# line numbers), except exit codes (`0:125`), which say how a job ended.
_VARIABLE = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"), "<date>"),
    (re.compile(r"\b(\d+-)?\d\d:\d\d:\d\d(\.\d+)?\b"), "<time>"),
    (re.compile(r"\b\d+(\.\d+)?[KMG]\b"), "<n>"),  # a size: 0 and 104K are alike
    (re.compile(r"\bc\d+\b"), "<node>"),
    (re.compile(r"\d+"), "<n>"),
]
_EXIT_CODE = re.compile(r"\d{1,3}:\d{1,3}")


def _word_shape(word: str) -> str:
    if _EXIT_CODE.fullmatch(word):
        return word
    for pattern, placeholder in _VARIABLE:
        word = pattern.sub(placeholder, word)
    return word


# When a job step runs out of memory, whether Slurm also marks the job's own line and its batch
# step OUT_OF_MEMORY, or FAILED (the batch script's exit code), is a race between its monitors.
_STEP_OUT_OF_MEMORY = re.compile(r"^\d+\.\d+\s.*\bOUT_OF_ME(\+|MORY)$")
_JOB_OR_BATCH = re.compile(r"^\d+(\.batch)?\s")
_EITHER_END = re.compile(r"\b(FAILED|OUT_OF_ME\+|OUT_OF_MEMORY)$")


def shape(text: str) -> list[str]:
    """The lines of `text`, word by word with what varies from run to run replaced (spaces
    collapsed: column widths follow the values). In a `sacct` table where a numbered step ran
    out of memory, the job's and the batch step's end (FAILED or OUT_OF_MEMORY) is one shape."""
    lines = [line.strip() for line in text.splitlines()]
    step_oom = any(_STEP_OUT_OF_MEMORY.match(line) for line in lines)
    shaped = []
    for line in lines:
        if step_oom and _JOB_OR_BATCH.match(line):
            line = _EITHER_END.sub("<failed-or-out-of-memory>", line)
        shaped.append(" ".join(_word_shape(word) for word in line.split()))
    return shaped


def assert_shown_outputs_keep_their_shape(page: str, ran: dict[str, Ran]) -> None:
    """Every output `page` shows has, in the fresh run `ran` (run_session's), the shape of the
    recorded one; and the page shows exactly the recorded blocks."""
    record = load(page)
    shown = shown_outputs(page)
    assert sorted(record["shown"]) == sorted(shown), "make record: the page shows other blocks"
    for name in shown:
        live = shown_text(ran[name])
        assert shape(live) == shape(record["shown"][name]), (
            f"{name}: the cluster now answers\n{live}\nbut the page shows\n{record['shown'][name]}"
        )


def assert_every_block_succeeded(page: str, ran: dict[str, Ran]) -> None:
    """Every block of the session exited 0 (a page that makes a job fail on purpose ends that
    block with a command that succeeds, such as sacct or tail)."""
    status = {name: run.status for name, run in ran.items() if isinstance(run, Ran)}
    assert status == dict.fromkeys(session_blocks(page), 0), status


def assert_workflow_commands_did_work(page: str, ran: dict[str, Ran]) -> None:
    """No block of the session ran Snakemake to do work and found nothing to do
    (`idle_workflow_blocks()`), unless the page shows that outcome."""
    idle = idle_workflow_blocks(ran, load(page)["shown"])
    assert not idle, (
        f"{page}: Snakemake printed {NOTHING_TO_DO!r} in {idle}, where the page runs it to do "
        "work: its files were already there, in the state a learner reaches the page in"
    )


def assert_as_recorded(page: str, ran: dict[str, Ran]) -> None:
    """The checks every recorded page's test makes of its session: every block exited 0, every
    output the page shows has the recorded shape, and every Snakemake command meant to do work
    did some."""
    assert_every_block_succeeded(page, ran)
    assert_shown_outputs_keep_their_shape(page, ran)
    assert_workflow_commands_did_work(page, ran)


def starts_after_core(page: str) -> bool:
    """Whether a learner reaches `page` after the core path: its front matter names a track other
    than `core` (the optional tracks). Core and reference pages start from the download."""
    track = load_page(CONTENT / page).front_matter.get("track")
    return track is not None and track != "core"


def learner_copy(page: str, tmp_path_factory, after_core: bool | None = None) -> pathlib.Path:
    """The code/ folder a learner has when they reach `page`, in a new temporary folder: for a page
    after the core path (`after_core`, by default `starts_after_core(page)`), a copy of what the
    core path's commands left (lessontest.shared.after_core: file times and .snakemake/ kept);
    otherwise a fresh copy of code/ as the download holds it."""
    if after_core is None:
        after_core = starts_after_core(page)
    destination = tmp_path_factory.mktemp(pathlib.Path(page).stem)
    if after_core:
        return copy_state(shared_after_core(tmp_path_factory), destination / "code")
    return copy_code(destination)


def page_session(page: str, timeout: float = 900, after_core: bool | None = None):
    """A module-scoped fixture for a recorded page's test module: `run_session(page)` once, in
    `learner_copy(page)` (after the core path for a page of an optional track, else a fresh copy
    of code/); it gives the blocks' runs by name, and the folder itself as "code"."""

    @pytest.fixture(scope="module")
    def ran(tmp_path_factory) -> dict:
        code = learner_copy(page, tmp_path_factory, after_core)
        out: dict = run_session(page, code, timeout=timeout)
        out["code"] = code
        return out

    return ran


def recording_path(page: str) -> pathlib.Path:
    return RECORDINGS / f"{pathlib.Path(page).stem}.json"


def load(page: str) -> dict:
    return json.loads(recording_path(page).read_text(encoding="utf-8"))


def save(page: str, ran: dict[str, Ran], versions: dict[str, str]) -> pathlib.Path:
    """Keep what the page shows (and every block's exit status) in recordings/."""
    shown = shown_outputs(page)
    record = {
        "page": page,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "versions": versions,
        "status": {name: run.status for name, run in ran.items()},
        "shown": {name: shown_text(ran[name]) for name in shown},
    }
    path = recording_path(page)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path
