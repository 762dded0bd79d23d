#!/bin/bash
# Step 3: gather every result file into one table and one summary figure.
# Submit from the code/ folder:  sbatch slurm/scikit_example/collect.sh
#SBATCH --job-name=knn-collect
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

python python/scikit_example/collect_results.py
