"""Print the tasks of an array job that did not complete, for sbatch --array.

Run on the login node, from the code/ folder, once every task has ended:

    python python/scikit_example/failed_tasks.py --job 123 --array 0-34

It prints the indices, such as 7,23, in the form sbatch --array takes, so that
only those tasks run again; nothing when every task completed. A task counts
as failed unless sacct says COMPLETED: FAILED, OUT_OF_MEMORY, TIMEOUT,
CANCELLED, NODE_FAIL, ... and also a task with no line in sacct at all. A task
cancelled before it started has no line on some Slurm versions; that is why
the script asks for the indices the array was submitted with. On others it
shares one line with the tasks cancelled with it, such as 123_[5-9] or
123_[4,6-7%2], which the script reads as the tasks 5 to 9, or 4, 6 and 7.
"""

import re
import subprocess

from script_io import ArgumentParser, InputError, run

# States in which a task has not ended yet: its outcome is not known.
NOT_ENDED = {
    "PENDING",
    "CONFIGURING",
    "RUNNING",
    "COMPLETING",
    "REQUEUED",
    "RESIZING",
    "SUSPENDED",
}


def indices(spec, where="--array"):
    """The task indices of an --array value such as 0-34, 3,17 or 0-9%2."""
    found = set()
    for part in spec.split("%")[0].split(","):
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match or (match[2] and int(match[2]) < int(match[1])):
            raise InputError(
                f"{where} '{spec}': expected indices and ranges such as "
                "0-34 or 3,17 (steps such as 0-9:2 are not supported)"
            )
        first = int(match[1])
        found.update(range(first, int(match[2] or first) + 1))
    return found


def task_states(job):
    """{index: state} of every task of the array job that sacct lists."""
    command = ["sacct", "-j", job, "-X", "-n", "-P", "--format=JobID,State"]
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        raise InputError(
            "sacct not found: run this where Slurm's commands are, "
            "such as the login node"
        ) from None
    if result.returncode != 0:
        why = result.stderr.strip().splitlines() or ["no message"]
        raise InputError(f"sacct failed: {why[-1]}")
    states = {}
    # One line per task, such as 123_7|OUT_OF_MEMORY or 123_23|CANCELLED by
    # 0; tasks that never started may share a line, such as 123_[5-9].
    for line in result.stdout.splitlines():
        task, _, state = line.partition("|")
        state = state.split(" ")[0]
        if state in NOT_ENDED:
            raise InputError(
                f"task {task} is {state}: wait until every task of job "
                f"{job} has ended (squeue --me shows what is left)"
            )
        array, _, index = task.partition("_")
        if array != job or not re.fullmatch(r"\d+|\[.+\]", index):
            raise InputError(f"job {job} is not an array job (sacct: {task})")
        for i in indices(index.strip("[]"), f"sacct's line {task}"):
            states[i] = state
    if not states:
        raise InputError(f"sacct knows no job {job}")
    return states


def main():
    parser = ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--job",
        required=True,
        help="the array job's ID, as sbatch printed it (e.g. 123)",
    )
    parser.add_argument(
        "--array",
        required=True,
        help="the indices it was submitted with, as given to sbatch "
        "--array (e.g. 0-34)",
    )
    args = parser.parse_args()
    if not args.job.isdigit():
        parser.error(f"--job '{args.job}': expected a job ID such as 123")
    wanted = indices(args.array)
    states = task_states(args.job)
    unknown = sorted(set(states) - wanted)
    if unknown:
        raise InputError(
            f"job {args.job} has task {unknown[0]}, which --array "
            f"'{args.array}' does not include: give the indices it was "
            "submitted with"
        )
    failed = sorted(i for i in wanted if states.get(i) != "COMPLETED")
    if failed:
        print(",".join(str(i) for i in failed))


if __name__ == "__main__":
    run(main)
