#!/bin/bash
# Step 1 of the parallel pipeline: make the train/test split once, for every
# training job.
# Submit from the code/ folder:  sbatch slurm/scikit_example/preprocess.sh
#SBATCH --job-name=knn-preprocess
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

python python/scikit_example/preprocess.py
