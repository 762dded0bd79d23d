"""Submit one Slurm job per combination of neighbour count and metric.

Run on the login node, from the code/ folder, once the split exists (or with
--dependency on the job that makes it):

    python python/scikit_example/submit_jobs.py --dry-run  # only print them
    python python/scikit_example/submit_jobs.py            # submit them

Every job runs slurm/scikit_example/one_job.sh, which hands --n_neighbors and
--metric on to train_one.py. Jobs are named after their combination
(knn_k04_manhattan), so squeue and the log file names show which job is which.
"""

import pathlib
import shlex
import shutil
import subprocess

from grid import combinations, result_name
from script_io import ArgumentParser, InputError, run

BATCH_SCRIPT = "slurm/scikit_example/one_job.sh"


def sbatch_command(n_neighbors, metric, dependency=None):
    """The sbatch command, as a list of arguments, for one combination."""
    name = result_name(n_neighbors, metric)
    command = ["sbatch", "--parsable", f"--job-name={name}"]
    if dependency:
        command.append(f"--dependency={dependency}")
    # sbatch reads options only up to the script name; what follows the name
    # goes to the script.
    command += [BATCH_SCRIPT]
    command += ["--n_neighbors", str(n_neighbors), "--metric", metric]
    return command


def submit(command):
    """Run one sbatch command: (job ID, "") on success, else (None, why)."""
    # An argument list, not a shell string: no quoting problems, nothing is
    # interpreted twice.
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        if not lines:
            return None, f"sbatch exited with status {result.returncode}"
        return None, lines[-1]
    # --parsable prints "ID" or "ID;cluster".
    return result.stdout.strip().split(";")[0], ""


def main():
    parser = ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the sbatch commands instead of running them",
    )
    parser.add_argument(
        "--dependency",
        metavar="TYPE:ID",
        help=(
            "passed on to sbatch, e.g. afterok:1234 "
            "to wait for the preprocessing job"
        ),
    )
    args = parser.parse_args()

    if not pathlib.Path(BATCH_SCRIPT).is_file():
        raise InputError(
            f"batch script '{BATCH_SCRIPT}' not "
            "found; run this from the code/ folder"
        )
    jobs = []
    for n_neighbors, metric in combinations():
        command = sbatch_command(n_neighbors, metric, args.dependency)
        jobs.append((n_neighbors, metric, command))

    if args.dry_run:
        for _, _, command in jobs:
            print(shlex.join(command))
        return

    if shutil.which("sbatch") is None:
        raise InputError(
            "sbatch not found; run this where "
            "Slurm is installed, or use --dry-run"
        )
    submitted = []
    for n_neighbors, metric, command in jobs:
        job_id, message = submit(command)
        if job_id is None:
            done = (
                f"{len(submitted)} jobs were submitted "
                f"before it (scancel {' '.join(submitted)})"
                if submitted
                else "no job was submitted"
            )
            raise InputError(
                f"submitting n_neighbors={n_neighbors} "
                f"metric={metric} failed: {message}; {done}"
            )
        submitted.append(job_id)
        print(f"{result_name(n_neighbors, metric)}: job {job_id}")
    print(f"Submitted {len(submitted)} jobs.")


if __name__ == "__main__":
    run(main)
