#!/bin/bash
# One task per row of a study's params.csv (task i runs row i, from 0).
# Submit from the code/ folder, with the study folder after the script name
# and one task per row (a header line, then N rows: tasks 0 to N-1):
#   rows=$(( $(wc -l < python/template/params.csv) - 1 ))
#   sbatch --array=0-$(( rows - 1 )) slurm/template/array.sh python/template
#SBATCH --job-name=study
#SBATCH --output=slurm-%x-%A_%a.out
#SBATCH --time=00:10:00
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G

set -euo pipefail
study=${1:?name the study folder after the script, e.g. python/template}

# Modules and the Python environment, loaded here, inside the job: the job
# may not get the environment of the shell you submitted from.
source job-env.sh
# NumPy's maths library: as many threads as the task has CPUs.
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}

python python/template/task.py --study "${study}" \
    --index "${SLURM_ARRAY_TASK_ID}"
