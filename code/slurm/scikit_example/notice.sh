#!/bin/bash
# A notice job: it runs only when the array job it waits for did not complete,
# and writes into its output file which tasks failed and how to run only them
# again. Submit it together with the array (ID and indices of the array after
# the script name, and the array's parameter file if it is not params.txt):
#   sbatch --dependency=afternotok:123 --kill-on-invalid-dep=yes \
#       slurm/scikit_example/notice.sh 123 0-34
# When every task completes, it never runs: --kill-on-invalid-dep=yes makes
# Slurm remove it (without that, it waits with the reason
# DependencyNeverSatisfied until you cancel it).
#SBATCH --job-name=knn-notice
#SBATCH --output=slurm-%x-%j.out
#SBATCH --time=00:02:00
#SBATCH --cpus-per-task=1
#SBATCH --mem=200M

set -euo pipefail

if [ ! -d python/scikit_example ]; then
    echo "error: no python/scikit_example/ in $PWD;" \
        "submit from the code/ folder" >&2
    exit 1
fi
# Python and its packages, loaded inside the job (job-env.sh).
source job-env.sh
if [ "$#" -lt 2 ] || [ "$#" -gt 3 ]; then
    echo "error: expected the array's job ID and indices, e.g. 123 0-34," \
        "and its parameter file if it is not params.txt" >&2
    exit 1
fi

failed=$(python python/scikit_example/failed_tasks.py --job "$1" --array "$2")
echo "array job $1: tasks ${failed:-(none)} did not complete"
if [ -n "$failed" ]; then
    echo "run only them again with:"
    echo "  sbatch --array=$failed slurm/scikit_example/array.sh${3:+ $3}"
fi
# On a real cluster, this is the place for a message to you, for example
# with mail (if the site allows it); or ask sbatch for one with
# --mail-type=FAIL --mail-user=you@example.org, where the site supports it.
