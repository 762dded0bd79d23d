#!/bin/bash
# The whole example as ONE job: preprocess, then train every combination one
# after another.
# Submit from the code/ folder:  sbatch slurm/scikit_example/serial.sh
#SBATCH --job-name=knn-serial
#SBATCH --output=slurm-%x-%j.out
#SBATCH --time=00:15:00
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G

# Stop at the first failing command, and treat unset variables as errors.
set -euo pipefail

# The job starts in the folder it was submitted from: it must be code/.
if [ ! -d python/scikit_example ]; then
    echo "error: no python/scikit_example/ in $PWD;" \
        "submit from the code/ folder" >&2
    exit 1
fi
# Python and its packages, loaded inside the job: job-env.sh, made for your
# cluster, loads its modules and activates the lesson's environment.
source job-env.sh

python python/scikit_example/preprocess.py
python python/scikit_example/train_and_plot.py
