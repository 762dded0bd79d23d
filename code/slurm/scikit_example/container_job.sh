#!/bin/bash
# The whole example as one job, run inside the Apptainer image from the
# container chapter. Submit from the code/ folder, after building knn-iris.sif
# there:
#   sbatch slurm/scikit_example/container_job.sh
# To use an image stored elsewhere:
#   IMAGE=/path/to/knn-iris.sif sbatch slurm/scikit_example/container_job.sh
#SBATCH --job-name=knn-container
#SBATCH --output=slurm-%x-%j.out
#SBATCH --time=00:15:00
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G

set -euo pipefail

if [ ! -d python/scikit_example ]; then
    echo "error: no python/scikit_example/ in $PWD;" \
        "submit from the code/ folder" >&2
    exit 1
fi

IMAGE=${IMAGE:-knn-iris.sif}
if [ ! -f "$IMAGE" ]; then
    echo "error: container image '$IMAGE' not found;" \
        "build it first (see the container chapter)" >&2
    exit 1
fi

# On many clusters this line is needed before apptainer can be used; its
# name varies.
# module load apptainer

# Run a command inside the image. The code, the data and the results stay in
# this folder on the cluster's file system: --bind makes the folder visible
# inside the container at the same path, and --pwd starts the command there, so
# every relative path works as outside.
in_container() {
    apptainer exec --bind "$PWD" --pwd "$PWD" "$IMAGE" "$@"
}

in_container python python/scikit_example/preprocess.py
in_container python python/scikit_example/train_and_plot.py
