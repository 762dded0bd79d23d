#!/bin/bash
# Gather a study's result files into results/<study>/table.csv. Submit it
# from the code/ folder, to start when every task of the array has succeeded:
#   sbatch --dependency=afterok:ARRAY_JOB_ID slurm/template/collect.sh \
#       python/template
#SBATCH --job-name=study-collect
#SBATCH --output=slurm-%x-%j.out
#SBATCH --time=00:05:00
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G

set -euo pipefail
study=${1:?name the study folder after the script, e.g. python/template}

source job-env.sh

python python/template/collect.py --study "${study}"
