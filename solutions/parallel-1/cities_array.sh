#!/bin/bash
# One array task per country: task i writes the city list of country number i.
# Submit from the folder that holds cities.csv and long_code_for_index.py,
# giving one task per country (the script prints how many countries there are):
#   sbatch --array=0-$(( $(python long_code_for_index.py --count) - 1 )) \
#       cities_array.sh
#SBATCH --job-name=cities
#SBATCH --output=slurm-%x-%A_%a.out
#SBATCH --time=00:05:00
#SBATCH --cpus-per-task=1
#SBATCH --mem=500M

set -euo pipefail

if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
    echo "error: not an array task;" \
        "submit with sbatch --array=0-<N-1> cities_array.sh" >&2
    exit 1
fi

# The task's own index picks its country. long_code_for_index.py refuses an
# index past the last country with one line naming the valid range, so any
# part of the range works: a rerun of two countries is --array=1,4.
python long_code_for_index.py "${SLURM_ARRAY_TASK_ID}"
