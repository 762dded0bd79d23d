"""Submit one Slurm job per combination of neighbour count and metric.

Run from the code/ folder, on the login node, once the split exists:
  python python/scikit_example/submit_jobs.py --dry-run  # only print them
"""

import pathlib
import shlex
import shutil
import subprocess

from grid import combinations, result_name
from script_io import ArgumentParser, InputError, run

BATCH_SCRIPT = "slurm/scikit_example/one_job.sh"


def sbatch_command(k, metric, dependency=None):
    """The sbatch command, as a list of arguments, for one combination."""
    command = ["sbatch", "--parsable", f"--job-name={result_name(k, metric)}"]
    if dependency:
        command.append(f"--dependency={dependency}")
    # sbatch's options go before the script; what follows it is the script's.
    script_args = ["--n-neighbors", str(k), "--metric", metric]
    return command + [BATCH_SCRIPT, *script_args]


def main():
    parser = ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--dependency", metavar="TYPE:ID", help="afterok:ID")
    args = parser.parse_args()
    if not pathlib.Path(BATCH_SCRIPT).is_file():
        raise InputError(f"no {BATCH_SCRIPT}: run this from the code/ folder")
    if not args.dry_run and shutil.which("sbatch") is None:
        raise InputError("sbatch not found; use --dry-run, or run it on Slurm")
    submitted = []
    for k, metric in combinations():
        command = sbatch_command(k, metric, args.dependency)
        if args.dry_run:
            print(shlex.join(command))
            continue
        # An argument list, not a shell string: nothing is interpreted twice.
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            why = (done.stderr.strip() or "sbatch failed").splitlines()[-1]
            before = f"submitted before it: (scancel {' '.join(submitted)})"
            raise InputError(
                f"submitting n_neighbors={k} metric={metric} failed: {why}; "
                + (before if submitted else "no job was submitted")
            )
        submitted.append(done.stdout.strip().split(";")[0])  # ID[;cluster]
        print(f"{result_name(k, metric)}: job {submitted[-1]}")
    if submitted:
        print(f"Submitted {len(submitted)} jobs.")


if __name__ == "__main__":
    run(main)
