#!/bin/bash
# An array job with several lines of the parameter file per task: CHUNK lines
# each (the number after the script's name), then optionally the parameter
# file (default params.txt). 35 lines in tasks of 5 need 7 tasks (0 to 6):
#   sbatch --array=0-6 slurm/scikit_example/array_chunks.sh 5
#SBATCH --job-name=knn-chunks
#SBATCH --output=slurm-%x-%A_%a.out
#SBATCH --time=00:10:00
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
if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
    echo "error: not an array task; submit with sbatch --array=..." >&2
    exit 1
fi
if [ "$#" -eq 0 ]; then
    echo "error: give the number of lines per task, e.g. 5" >&2
    exit 1
fi

# train_task.py checks the rest: the chunk size, the file, the index.
echo "array job ${SLURM_ARRAY_JOB_ID:-?}, task ${SLURM_ARRAY_TASK_ID}"
python python/scikit_example/train_task.py \
    --index "${SLURM_ARRAY_TASK_ID}" --chunk "$1" --params "${2:-params.txt}"
