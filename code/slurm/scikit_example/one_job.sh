#!/bin/bash
# One training job for the values given after the script name, which are passed
# on to train_one.py unchanged. submit_jobs.py submits it once per combination,
# for example:
#   sbatch --job-name=knn_k04_manhattan slurm/scikit_example/one_job.sh \
#       --n-neighbors 4 --metric manhattan
#SBATCH --job-name=knn-one
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
if [ "$#" -eq 0 ]; then
    echo "error: no arguments for train_one.py;" \
        "give e.g. --n-neighbors 4 --metric manhattan" >&2
    exit 1
fi

python python/scikit_example/train_one.py "$@"
