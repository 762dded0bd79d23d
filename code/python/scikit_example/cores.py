"""Say how many cores this process was given, and how many it would use.

Run it inside a job, with the same options as your real work, for example:

    srun --cpus-per-task=2 --mem=500M python python/scikit_example/cores.py

It prints four numbers. Your code should use the first one, which Slurm sets
only when the job asks with --cpus-per-task. The second, the CPUs the process
may run on, is larger than the first where the cluster does not hold jobs to
their cores (or where the job got both hardware threads of a core). The third
counts the whole node. The fourth, the threads of NumPy's maths library,
follows the second unless OMP_NUM_THREADS says otherwise.
"""

import os

import numpy  # noqa: F401  (loaded only so that its thread pools show)
from threadpoolctl import threadpool_info

from script_io import ArgumentParser, run


def main():
    ArgumentParser(description=__doc__.split("\n")[0]).parse_args()
    given = os.environ.get("SLURM_CPUS_PER_TASK", "not set")
    blas = [pool["num_threads"] for pool in threadpool_info()]
    rows = [
        ("Slurm gave this task (SLURM_CPUS_PER_TASK)", given),
        ("CPUs it may run on (CPU affinity)", len(os.sched_getaffinity(0))),
        ("CPUs the node has (os.cpu_count())", os.cpu_count()),
        ("threads NumPy's maths library starts", max(blas, default=1)),
    ]
    for label, value in rows:
        print(f"{label:<44s} {value}")


if __name__ == "__main__":
    run(main)
