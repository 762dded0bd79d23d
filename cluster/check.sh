#!/usr/bin/env bash
# Is there a Slurm cluster, does a job run on it, and is the job recorded? Run it anywhere:
#   bash cluster/check.sh
set -euo pipefail

echo "--- sinfo: partitions and nodes"
sinfo

echo "--- sbatch --wait: a tiny job; sbatch returns when the job has finished"
# shellcheck disable=SC2016  # the job expands $(hostname), not this shell
job=$(sbatch --parsable --wait --job-name=hello --output=hello-%j.out \
    --wrap='echo "Hello from $(hostname), job $SLURM_JOB_ID"')
job=${job%%;*}
cat "hello-${job}.out"
rm -f "hello-${job}.out"

echo "--- sacct: the accounting record of job ${job}"
sacct --jobs="${job}" --format=JobID,JobName,State,ExitCode,Elapsed
