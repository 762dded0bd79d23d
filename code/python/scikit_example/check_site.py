"""Check this cluster against the lesson's site settings, before any job.

Run it once on the cluster's login node, from the code/ folder, after
`source site.env`:

    python python/scikit_example/check_site.py

It asks Slurm which accounts, partitions, QOS and reservations you may use and
what its limits are, and compares them with the settings that site.env gave
this shell (SBATCH_ACCOUNT, SBATCH_PARTITION, SBATCH_QOS, SBATCH_RESERVATION,
and the LESSON_MAX_* limits site.env promises) and with what the lesson's
jobs ask for. The QOS whose limits count are the one your jobs get
(SBATCH_QOS, else your association's default) and the partition's own.
LESSON_MAX_ARRAY_SIZE means what Slurm's MaxArraySize means: the most tasks
one array may have, with indices 0 to MaxArraySize - 1.

Each problem is one line that says what to change in site.env. The exit status
is 1 when a lesson job would be refused or site.env promises more than the
cluster gives, 0 when everything fits.
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


def change(option, to):
    """The fix of a Slurm setting: its three export lines in site.env (sbatch,
    salloc and srun each read their own)."""
    name = option.upper()
    return (
        f"in site.env, set SBATCH_{name}, SALLOC_{name} and SLURM_{name} {to}"
    )


def accounting(*what):
    """The lines of `sacctmgr show ...`, each split into its fields; the
    InputError when the accounting does not answer."""
    out = ask("sacctmgr", "--noheader", "--parsable2", "show", *what)
    return [line.split("|") for line in out.splitlines()]


def associations(user):
    """[{account, partition, qos: [...], defaultqos, maxjobs, maxsubmit}]:
    what the accounting lets `user` use, with each association's limits
    (inherited ones included); None where the accounting does not answer."""
    fields = "account,partition,qos,defaultqos,maxjobs,maxsubmit"
    try:
        lines = accounting("assoc", f"user={user}", f"format={fields}")
    except InputError as err:
        print(f"note: accounts and QOS not checked: {err}")
        return None
    rows = []
    for values in lines:
        row = dict(zip(fields.split(","), values, strict=True))
        row["qos"] = [q for q in row["qos"].split(",") if q]
        rows.append(row)
    return rows


def partitions():
    """{name: (time limit in seconds, is the default)} from sinfo."""
    out = ask("sinfo", "--noheader", "--format=%P|%l")
    found = {}
    for line in out.splitlines():
        name, limit = line.split("|")
        found[name.rstrip("*")] = (seconds(limit), name.endswith("*"))
    return found


def partition_qos(partition):
    """(the partition's own QOS or None, the QOS it allows or None for all)."""
    fields = dict(
        re.findall(
            r"(\w+)=(\S+)", ask("scontrol", "show", "partition", partition)
        )
    )
    own = fields.get("QoS", "N/A")
    allowed = fields.get("AllowQos", "ALL")
    return (
        None if own in ("N/A", "(null)") else own,
        None if allowed == "ALL" else allowed.split(","),
    )


def check(user):
    """The problems found, each one line; empty when the lesson fits."""
    problems = []
    account, partition = setting("SBATCH_ACCOUNT"), setting("SBATCH_PARTITION")
    qos, reservation = setting("SBATCH_QOS"), setting("SBATCH_RESERVATION")

    assocs = associations(user)
    mine = sorted({row["account"] for row in assocs or []})
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
            + change("account", "to one of them")
        )
    else:
        account_ok = True
        print(
            f"ok: account {account}"
            if account
            else "ok: account your default (where a cluster wants every job "
            "to name one, set SBATCH_ACCOUNT in site.env)"
        )
    # The associations this shell's jobs are charged to (every one of the
    # user's when site.env names no account: the check takes the strictest).
    charged = [
        r for r in assocs or [] if r["account"] == (account or r["account"])
    ]

    parts = partitions()
    default = [name for name, (_, is_default) in parts.items() if is_default]
    chosen = partition or (default[0] if default else None)
    if partition is not None and partition not in parts:
        problems.append(
            f"partition '{partition}' does not exist (partitions: "
            f"{', '.join(parts)}): " + change("partition", "to one of them")
        )
        chosen = None
    elif chosen is None:
        problems.append(
            "no partition is set and the cluster has no default one: "
            + change("partition", f"to one of {', '.join(parts)}")
        )
    own_qos, allowed_qos = None, None
    if chosen is not None:
        limit = parts[chosen][0]
        asked, where = longest_job()
        max_time = setting("LESSON_MAX_TIME")
        problems += within(
            limit,
            asked,
            seconds(max_time) if max_time is not None else None,
            f"the lesson's longest job asks for {shown(asked)} ({where}), "
            f"but partition '{chosen}' allows {shown(limit)}: "
            + change("partition", "to one with a longer time limit"),
            f"site.env promises jobs of up to {max_time}, but partition "
            f"'{chosen}' allows {shown(limit)}: in site.env, set "
            f"LESSON_MAX_TIME to {shown(limit)}",
            f"partition {chosen}, time limit {shown(limit)}",
        )
        # An association without a partition is for every partition.
        allowed = sorted({r["partition"] for r in charged})
        if account_ok and "" not in allowed and chosen not in allowed:
            problems.append(
                f"your account may only use partitions {', '.join(allowed)}, "
                f"not '{chosen}': " + change("partition", "to one of them")
            )
        own_qos, allowed_qos = partition_qos(chosen)

    if qos is not None and account_ok:
        allowed = sorted({q for r in charged for q in r["qos"]})
        if qos not in allowed:
            problems.append(
                f"QOS '{qos}' is not allowed for your account (allowed: "
                f"{', '.join(allowed) or 'none'}): "
                + change("qos", "to one of them")
            )
        elif allowed_qos is not None and qos not in allowed_qos:
            problems.append(
                f"partition '{chosen}' does not allow QOS '{qos}' (it allows "
                f"{', '.join(allowed_qos)}): "
                + change("qos", "to one of them")
            )
        else:
            print(f"ok: QOS {qos}")
    problems += check_reservation(reservation, user, account)
    problems += check_array()
    here = [r for r in charged if r["partition"] in ("", chosen)]
    problems += check_jobs(here, job_qos(here, qos), own_qos, chosen)
    return problems


def job_qos(charged, qos):
    """The QOS a lesson job runs in: SBATCH_QOS, else the association's
    default QOS, else its only one; when Slurm picks among several, all of
    them (the check takes the strictest)."""
    if qos is not None:
        return [qos]
    defaults = sorted(
        {r["defaultqos"] for r in charged if r.get("defaultqos")}
    )
    return defaults or sorted({q for r in charged for q in r["qos"]})


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
            "reservation lists them): "
            + change("reservation", "to one that does, or delete those lines")
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
    needs or than site.env promises (None: promises nothing); else []
    after printing the `ok` line."""
    if needed > most:
        return [too_small]
    if promised is not None and promised > most:
        return [promises_more]
    print(f"ok: {ok}")
    return []


def check_array():
    """MaxArraySize is how many tasks one array may have: their indices go
    from 0 to MaxArraySize - 1. LESSON_MAX_ARRAY_SIZE means the same."""
    config = ask("scontrol", "show", "config")
    match = re.search(r"^MaxArraySize\s*=\s*(\d+)", config, re.MULTILINE)
    most = int(match.group(1)) if match else 1001  # Slurm's default
    promised = number("LESSON_MAX_ARRAY_SIZE")
    tasks = len(combinations())
    return within(
        most,
        tasks,
        promised,
        f"the lesson's array has {tasks} tasks, but this cluster's arrays "
        f"hold at most {most} (MaxArraySize): ask the cluster's support team",
        f"site.env promises arrays of {promised} tasks, but MaxArraySize "
        f"allows {most} (indices 0 to {most - 1}): in site.env, set "
        f"LESSON_MAX_ARRAY_SIZE to {most}",
        f"arrays of up to {most} tasks (indices 0 to {most - 1})",
    )


def qos_limits(names):
    """{QOS: (MaxSubmitPU, MaxJobsPU)}, each a number or None (no limit);
    {} on a cluster whose accounting does not answer."""
    if not names:
        return {}
    try:
        lines = accounting(
            "qos",
            f"name={','.join(names)}",
            "format=name,maxsubmitpu,maxjobspu",
        )
    except InputError:
        return {}  # said above, with the associations
    return {
        name: tuple(int(v) if v.isdigit() else None for v in limits)
        for name, *limits in lines
    }


def check_jobs(charged, qos_list, own_qos, partition):
    """How many jobs you may have queued (MaxSubmit of the association,
    MaxSubmitPU of the QOS) and running (MaxJobs, MaxJobsPU) at once, the
    strictest of each, against what the lesson needs and site.env promises.
    Each limit comes with the setting that chooses it."""
    queued, running = [], []
    for row in charged:
        where = f"account '{row['account']}'"
        if row["maxsubmit"].isdigit():
            queued.append((int(row["maxsubmit"]), where, "account"))
        if row["maxjobs"].isdigit():
            running.append((int(row["maxjobs"]), where, "account"))
    # The partition's own QOS applies to every job in it, whatever its QOS.
    names = sorted({*qos_list, *([own_qos] if own_qos else [])})
    for name, (submit, most) in qos_limits(names).items():
        where, option = f"QOS '{name}'", "qos"
        if name == own_qos and name not in qos_list:
            where, option = f"{where} of partition '{partition}'", "partition"
        if submit is not None:
            queued.append((submit, where, option))
        if most is not None:
            running.append((most, where, option))
    problems = []
    if queued:
        most, where, option = min(queued)
        promised = number("LESSON_MAX_JOBS")
        problems += within(
            most,
            PEAK_JOBS,
            promised,
            f"{where} lets you queue {most} jobs, but the lesson's array "
            f"pipeline queues {PEAK_JOBS} at once: ask the cluster's support "
            "team for more, or " + change(option, "to one that allows more"),
            f"site.env promises {promised} jobs in the queue, but {where} "
            f"allows {most}: in site.env, set LESSON_MAX_JOBS to {most}",
            f"up to {most} jobs in the queue",
        )
    if running:
        most, where, option = min(running)
        if most < 1:
            problems.append(
                f"{where} lets none of your jobs run: ask the cluster's "
                "support team, or " + change(option, "to another one")
            )
        else:
            print(f"ok: up to {most} of your jobs run at once ({where})")
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
