#!/bin/bash
# Submit the parallel pipeline as three chained jobs:
#   preprocess  ->  array job (one task per line of params.txt)  ->  collect
# Each step starts only after the previous one has finished successfully
# (afterok).
# Run it on the login node, from the code/ folder:
#   bash slurm/scikit_example/submit_pipeline.sh
set -euo pipefail

if [ ! -d python/scikit_example ]; then
    echo "error: no python/scikit_example/ in $PWD;" \
        "run this from the code/ folder" >&2
    exit 1
fi
if ! command -v sbatch > /dev/null; then
    echo "error: sbatch not found;" \
        "run this on a machine where Slurm is installed" >&2
    exit 1
fi

# One line per combination; the array gets exactly one task per line.
python python/scikit_example/create_parameter_file.py --output params.txt
lines=$(wc -l < params.txt)
if [ "${lines}" -eq 0 ]; then
    echo "error: params.txt is empty, so there is nothing to submit" >&2
    exit 1
fi

# Options go BEFORE the script name: anything after it is passed to the script,
# not to sbatch. --parsable makes sbatch print only the job ID ("ID" or
# "ID;cluster"), which we keep.
preprocess_id=$(sbatch --parsable slurm/scikit_example/preprocess.sh)
preprocess_id=${preprocess_id%%;*}

# The tasks read their parameter file when they START, maybe hours from now,
# and sbatch keeps a copy of the batch script only, not of the files it reads.
# So this submission's tasks get a copy of params.txt of their own, named after
# the preprocess job: a later run, or a changed grid, cannot touch it.
params="params-${preprocess_id}.txt"
cp params.txt "${params}"

train_id=$(sbatch --parsable --dependency="afterok:${preprocess_id}" \
    --array="0-$((lines - 1))" slurm/scikit_example/array.sh "${params}")
train_id=${train_id%%;*}

collect_id=$(sbatch --parsable --dependency="afterok:${train_id}" \
    slurm/scikit_example/collect.sh)
collect_id=${collect_id%%;*}

echo "preprocess job: ${preprocess_id}"
echo "array job:      ${train_id} (tasks 0-$((lines - 1)) of ${params})"
echo "collect job:    ${collect_id}"
