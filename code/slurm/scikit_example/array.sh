#!/bin/bash
# Step 2: an array job, one task per line of a parameter file (one neighbour
# count and metric each): params.txt, or the file given after the script name.
# The range is given when submitting, from the number of lines (N lines:
# tasks 0 to N-1):
#   sbatch --array=0-$(( $(wc -l < params.txt) - 1 )) \
#       slurm/scikit_example/array.sh
#SBATCH --job-name=knn-array
#SBATCH --output=slurm-%x-%A_%a.out
#SBATCH --time=00:05:00
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G

set -euo pipefail

if [ ! -d python/scikit_example ]; then
    echo "error: no python/scikit_example/ in $PWD;" \
        "submit from the code/ folder" >&2
    exit 1
fi
# Python and its packages, loaded inside the job (job-env.sh).
source job-env.sh
# Slurm gives every task of an array its own SLURM_ARRAY_TASK_ID
# (here 0, 1, ..., N-1).
if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
    echo "error: SLURM_ARRAY_TASK_ID is not set;" \
        "submit with sbatch --array=0-<N-1>" >&2
    exit 1
fi

# The file is read now, when the task starts, not when it was submitted.
params=${1:-params.txt}
if [ ! -f "${params}" ]; then
    echo "error: parameter file '${params}' not found" >&2
    exit 1
fi

echo "array job ${SLURM_ARRAY_JOB_ID:-?}, task ${SLURM_ARRAY_TASK_ID}"
python python/scikit_example/train_one.py \
    --index "${SLURM_ARRAY_TASK_ID}" --params "${params}"
