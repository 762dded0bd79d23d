#!/bin/bash
# The scatter/gather workflow with yadage, inside ONE Slurm job.
# yadage does not submit jobs to Slurm: it runs every step itself, as a
# process on the node where yadage-run runs. So this job asks Slurm for
# the cores the steps may share, and yadage is told to use exactly those.
# Submit from the code/ folder, naming a new work directory:
#   sbatch slurm/scatter_gather/yadage.sh results/yadage-slurm
#SBATCH --job-name=yadage-scatter
#SBATCH --output=slurm-%x-%j.out
#SBATCH --time=00:20:00
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G

set -euo pipefail

if [ "$#" -ne 1 ]; then
    echo "usage: sbatch slurm/scatter_gather/yadage.sh WORKDIR" >&2
    exit 2
fi
workdir=$1
if [ ! -d python/scatter_gather ]; then
    echo "error: no python/scatter_gather/ in $PWD;" \
        "submit from the code/ folder" >&2
    exit 1
fi
# Python and its packages, loaded inside the job (job-env.sh).
source job-env.sh
if [ -e "$workdir" ]; then
    echo "error: $workdir already exists; name a new work directory" >&2
    exit 1
fi

# yadage's default backend, multiproc:auto, starts one worker process per
# core of the whole node, however few of them this job was given. Slurm
# sets SLURM_CPUS_PER_TASK to the job's --cpus-per-task (without that
# option a job has one core).
cores=${SLURM_CPUS_PER_TASK:-1}
echo "yadage runs up to $cores steps at once" \
    "(SLURM_CPUS_PER_TASK=${SLURM_CPUS_PER_TASK:-unset})"
yadage-run --backend "multiproc:$cores" -t yadage/scatter_gather \
    "$workdir" workflow.yml yadage/scatter_gather/inputs.yml \
    -p scripts="$PWD/python/scatter_gather"
