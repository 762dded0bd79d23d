#!/bin/bash
# One training job that uses the cores it asks for: the values after the
# script name go to train_task.py, which cross-validates on as many processes
# as --n-jobs says. The line below passes the cores Slurm gave the job
# (--cpus-per-task); an --n-jobs after the script name comes later, and wins:
#   sbatch --cpus-per-task=2 slurm/scikit_example/task_job.sh \
#       --n-neighbors 8 --metric manhattan --cv-repeats 400
#SBATCH --job-name=knn-task
#SBATCH --output=slurm-%x-%j.out
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

python python/scikit_example/train_task.py \
    --n-jobs "${SLURM_CPUS_PER_TASK}" "$@"
