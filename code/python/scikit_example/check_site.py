"""Check this cluster against the lesson's site settings, before any job.

Run it once on the cluster's login node, from the code/ folder, after
`source site.env`:

    python python/scikit_example/check_site.py

It asks Slurm which accounts, partitions, QOS and reservations you may use and
what its limits are, and compares them with the settings that site.env gave
this shell (SBATCH_ACCOUNT, SBATCH_PARTITION, SBATCH_QOS, SBATCH_RESERVATION,
and the LESSON_MAX_* limits the site file promises) and with what the lesson's
jobs ask for. Each problem is one line that says how to fix it. The exit
status is 1 when a lesson job would be refused or the site file promises more
than the cluster gives, 0 when everything fits.
"""

import getpass
import os
import pathlib
import re
import shutil
import subprocess

from grid import combinations
from script_io import ArgumentParser, InputError, run

CODE = pathlib.Path(__file__).resolve().parent.parent.parent
PROFILE = "snakemake/scikit_example/profiles/slurm/config.yaml"
# The most jobs the lesson queues at once: the array pipeline (array-jobs
# page) queues the preprocessing job, one task per combination and the
# collecting job.
PEAK_JOBS = len(combinations()) + 2


def ask(*command):
    """The output of a Slurm command; InputError if it is missing or fails."""
    if shutil.which(command[0]) is None:
        raise InputError(
            f"{command[0]} not found: run this on the cluster's login node"
        )
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        said = (proc.stderr.strip().splitlines() or ["no message"])[0]
        raise InputError(f"'{' '.join(command)}' failed: {said}")
    return proc.stdout


def seconds(text):
    """A Slurm time ([D-]HH:MM:SS, MM:SS, minutes, infinite) in seconds."""
    if text in ("infinite", "UNLIMITED", "INFINITE"):
        return float("inf")
    match = re.fullmatch(r"(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?", text)
    if not match:
        raise InputError(f"cannot read the time {text!r}")
    days, first, second, third = match.groups()
    if days is not None:
        hours, minutes, secs = first, second or 0, third or 0
    elif third is not None:
        hours, minutes, secs = first, second, third
    elif second is not None:
        hours, minutes, secs = 0, first, second
    else:
        hours, minutes, secs = 0, first, 0
    total = int(hours) * 3600 + int(minutes) * 60 + int(secs)
    return total + int(days or 0) * 86400


def setting(name):
    """A setting from site.env; None when the variable is unset or empty."""
    return os.environ.get(name) or None


def number(name):
    value = setting(name)
    if value is not None and not value.isdigit():
        raise InputError(f"{name}={value!r} is not a whole number")
    return int(value) if value is not None else None


def longest_job():
    """(seconds, where) of the longest --time any lesson job asks for."""
    found = []
    for script in sorted((CODE / "slurm").rglob("*.sh")):
        for line in script.read_text().splitlines():
            match = re.match(r"#SBATCH\s+(?:--time=|-t\s*)(\S+)", line)
            if match:
                name = script.relative_to(CODE).as_posix()
                found.append((seconds(match.group(1)), name))
    # The profile's runtimes (in minutes), its default and the rules' own.
    profile = (CODE / PROFILE).read_text()
    asked = re.findall(r"^\s+runtime:\s*(\d+)\s*$", profile, re.MULTILINE)
    found.append((60 * max(map(int, asked), default=0), PROFILE))
    return max(found)


def shown(secs):
    if secs == float("inf"):
        return "no limit"
    days, rest = divmod(int(secs), 86400)
    clock = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
    return f"{days}-{clock}" if days else clock


def associations(user):
    """[(account, partition, [QOS, ...])] the accounting lets `user` use;
    None on a cluster whose accounting does not answer."""
    try:
        out = ask(
            "sacctmgr",
            "--noheader",
            "--parsable2",
            "show",
            "assoc",
            f"user={user}",
            "format=account,partition,qos",
        )
    except InputError as err:
        print(f"note: accounts and QOS not checked: {err}")
        return None
    rows = []
    for line in out.splitlines():
        account, partition, qos = line.split("|")
        rows.append((account, partition, [q for q in qos.split(",") if q]))
    return rows


def partitions():
    """{name: (time limit in seconds, is the default)} from sinfo."""
    out = ask("sinfo", "--noheader", "--format=%P|%l")
    found = {}
    for line in out.splitlines():
        name, limit = line.split("|")
        found[name.rstrip("*")] = (seconds(limit), name.endswith("*"))
    return found


def check(user):
    """The problems found, each one line; empty when the lesson fits."""
    problems = []
    account, partition = setting("SBATCH_ACCOUNT"), setting("SBATCH_PARTITION")
    qos, reservation = setting("SBATCH_QOS"), setting("SBATCH_RESERVATION")

    assocs = associations(user)
    mine = sorted({row[0] for row in assocs or []})
    account_ok = False
    if assocs is None:
        pass
    elif not assocs:
        problems.append(
            f"user {user} has no Slurm account here: ask the cluster's "
            "support team for one"
        )
    elif account is not None and account not in mine:
        problems.append(
            f"account '{account}' is not one of yours ({', '.join(mine)}): "
            "put one of them in the site file's slurm account"
        )
    else:
        account_ok = True
        print(f"ok: account {account or 'your default'}")

    parts = partitions()
    default = [name for name, (_, is_default) in parts.items() if is_default]
    chosen = partition or (default[0] if default else None)
    if partition is not None and partition not in parts:
        problems.append(
            f"partition '{partition}' does not exist (partitions: "
            f"{', '.join(parts)}): put one of them in the site file"
        )
        chosen = None
    elif chosen is None:
        problems.append(
            "no partition is set and the cluster has no default one: put "
            f"one of {', '.join(parts)} in the site file's slurm partition"
        )
    if chosen is not None:
        limit = parts[chosen][0]
        asked, where = longest_job()
        max_time = setting("LESSON_MAX_TIME")
        problems += within(
            limit,
            asked,
            seconds(max_time) if max_time is not None else None,
            f"the lesson's longest job asks for {shown(asked)} ({where}), "
            f"but partition '{chosen}' allows {shown(limit)}: choose a "
            "partition with a longer time limit",
            f"the site file promises jobs of up to {max_time}, but "
            f"partition '{chosen}' allows {shown(limit)}: lower limits "
            "max_time",
            f"partition {chosen}, time limit {shown(limit)}",
        )
        allowed = [p for a, p, _ in assocs or [] if a == (account or a) and p]
        if account_ok and allowed and chosen not in allowed:
            problems.append(
                f"your account may only use partitions {', '.join(allowed)}, "
                f"not '{chosen}'"
            )

    if qos is not None and account_ok:
        allowed = sorted(
            {q for a, _, qs in assocs if a == (account or a) for q in qs}
        )
        if qos not in allowed:
            problems.append(
                f"QOS '{qos}' is not allowed for your account (allowed: "
                f"{', '.join(allowed) or 'none'}): fix the site file's qos"
            )
        else:
            print(f"ok: QOS {qos}")
    problems += check_reservation(reservation, user, account)
    problems += check_limits(qos)
    return problems


def check_reservation(reservation, user, account):
    if reservation is None:
        return []
    proc = subprocess.run(
        ["scontrol", "show", "reservation", reservation],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 or "ReservationName=" not in proc.stdout:
        return [
            f"reservation '{reservation}' does not exist (scontrol show "
            "reservation lists them): fix or remove it in the site file"
        ]
    fields = dict(re.findall(r"(\w+)=(\S+)", proc.stdout))
    users = fields.get("Users", "(null)").split(",")
    accounts = fields.get("Accounts", "(null)").split(",")
    if user not in users and (account or "") not in accounts:
        return [
            f"reservation '{reservation}' is not for user {user}: ask the "
            "administrators to add you"
        ]
    print(f"ok: reservation {reservation}")
    return []


def within(most, needed, promised, too_small, promises_more, ok):
    """[the problem] when the cluster allows less (`most`) than the lesson
    needs or than the site file promises (None: promises nothing); else []
    after printing the `ok` line."""
    if needed > most:
        return [too_small]
    if promised is not None and promised > most:
        return [promises_more]
    print(f"ok: {ok}")
    return []


def check_limits(qos):
    problems = []
    config = ask("scontrol", "show", "config")
    match = re.search(r"^MaxArraySize\s*=\s*(\d+)", config, re.MULTILINE)
    # Task indexes go up to MaxArraySize - 1, so that many tasks fit.
    most = int(match.group(1)) if match else 1001
    promised = number("LESSON_MAX_ARRAY_SIZE")
    problems += within(
        most,
        len(combinations()),
        promised,
        f"the lesson's array has {len(combinations())} tasks, but this "
        f"cluster's arrays hold at most {most}",
        f"the site file promises arrays of {promised} tasks, but "
        f"MaxArraySize allows {most}: lower limits max_array_size",
        f"arrays of up to {most} tasks",
    )
    if qos is not None:
        try:
            value = ask(
                "sacctmgr",
                "--noheader",
                "--parsable2",
                "show",
                "qos",
                qos,
                "format=maxsubmitjobsperuser",
            ).strip()
        except InputError:
            value = ""  # no accounting: said above
        if value.isdigit():
            most = int(value)
            promised = number("LESSON_MAX_JOBS")
            problems += within(
                most,
                PEAK_JOBS,
                promised,
                f"QOS '{qos}' lets you queue {most} jobs, but the "
                f"lesson's array pipeline queues {PEAK_JOBS} at once",
                f"the site file promises {promised} jobs in the queue, "
                f"but QOS '{qos}' allows {most}: lower limits max_jobs",
                f"up to {most} jobs in the queue",
            )
    return problems


def main():
    ArgumentParser(description=__doc__.split("\n")[0]).parse_args()
    user = os.environ.get("USER") or getpass.getuser()
    problems = check(user)
    for problem in problems:
        print(f"problem: {problem}")
    if problems:
        print(
            f"{len(problems)} problem(s): fix the export lines of site.env, "
            "source it again, then run this check again"
        )
        raise SystemExit(1)
    print("The lesson's jobs fit this cluster.")


if __name__ == "__main__":
    run(main)
