#!/bin/bash
# One training job that works in the node's own scratch space: it copies what
# it reads there, works there, and copies its results back at the end. The
# arguments go to train_one.py, as with one_job.sh:
#   sbatch slurm/scikit_example/staged_job.sh \
#       --n-neighbors 8 --metric manhattan
# Node-local scratch (fast, deleted after the job; not shared /scratch/$USER):
# $LESSON_SCRATCH (site.env and job-env.sh set it from the site file), else
# the job's $TMPDIR, else /tmp. Your site's documentation names it ($TMPDIR,
# $LOCAL_SCRATCH, $SLURM_TMPDIR and others).
#SBATCH --job-name=knn-staged
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

submitted_from=$PWD
job=${SLURM_JOB_ID:?"not a Slurm job; submit with sbatch"}
scratch=${LESSON_SCRATCH:-${TMPDIR:-/tmp}}/knn-${job}
mkdir "$scratch"
trap 'rm -rf "$scratch"' EXIT  # on errors and SIGTERM too, not SIGKILL

# In: the scripts and the split, read once from the shared file system.
cp -r python data "$scratch"/
cd "$scratch"
echo "working in $scratch on ${SLURMD_NODENAME:-?}"
python python/scikit_example/train_one.py "$@" --results-dir results
# Out: the results, written once, only if the training succeeded.
mkdir -p "$submitted_from/results"
cp results/* "$submitted_from/results/"
