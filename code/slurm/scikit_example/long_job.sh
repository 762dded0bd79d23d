#!/bin/bash
# A run longer than one job may last, done in parts: each part trains only the
# combinations that have no result yet (train_resumable.py), so the finished
# ones are its checkpoint. Shortly before the time limit, Slurm sends
# this script the signal USR1 (--signal=B:USR1@60: 60 s before the end, or up
# to a minute earlier); the script then stops the training and submits the
# next part, which starts once this one has ended; unless this part saved no
# new result (one combination takes longer than a part), as every next part
# would then do the same for ever. Arguments after the script name go to
# train_resumable.py, e.g.
#   sbatch slurm/scikit_example/long_job.sh --results-dir long --cv-repeats 20
# The limits are short so that you can watch it on the practice cluster; a
# real run would ask for hours, and for the signal some minutes before the end.
#SBATCH --job-name=knn-long
#SBATCH --output=slurm-%x-%j.out
#SBATCH --time=00:05:00
#SBATCH --signal=B:USR1@60
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

# The results folder: what follows --results-dir (train_resumable.py's
# default: results).
results=results previous=
for argument in "$@"; do
    [ "$previous" = --results-dir ] && results=$argument
    case $argument in --results-dir=*) results=${argument#*=} ;; esac
    previous=$argument
done
shopt -s nullglob
saved() {  # how many result files the results folder holds
    local files=("$results"/*.json)
    echo "${#files[@]}"
}
before=$(saved)

# In the background, so that this shell is free to run the trap below as soon
# as the signal arrives (a shell runs a trap only between two commands, and
# `wait` is the one command that a signal interrupts).
python python/scikit_example/train_resumable.py "$@" &
trainer=$!
arguments=("$@")

next_part() {
    # The combination in progress is lost; the finished ones are saved.
    kill -TERM "$trainer" 2>/dev/null || true
    wait "$trainer" || true
    if [ "$(saved)" -eq "$before" ]; then
        echo "error: this part saved no new result, so no next part:" \
            "give each part a longer --time" >&2
        exit 1
    fi
    next=$(sbatch --parsable --dependency="afterany:$SLURM_JOB_ID" \
        slurm/scikit_example/long_job.sh "${arguments[@]}")
    echo "stopped before the time limit: the next part is job $next"
    exit 0
}
trap next_part USR1

wait "$trainer"
