"""Train, evaluate and plot ONE combination of neighbour count and metric.

Run from the code/ folder, after preprocess.py, either with the values
themselves:

    python python/scikit_example/train_one.py \
        --n_neighbors 8 --metric manhattan

or with a line number of the parameter file that create_parameter_file.py
writes (counting from 0), which is what an array task does with its index:

    python python/scikit_example/train_one.py --index 3 --params params.txt

It writes the same two files, byte for byte, as train_and_plot.py does for that
combination, whatever the number of cores it uses.

With --chunk N as well, the task with index I trains lines I*N to I*N+N-1,
one after another: an array of fewer, longer tasks.

The cross-validation runs its folds on as many cores as Slurm gave the task
(SLURM_CPUS_PER_TASK, set by sbatch --cpus-per-task), one outside a job;
--n-jobs N sets the number instead.
"""

import os
import pathlib

from grid import DEFAULT_PARAMS, METRICS
from knn_files import load_split
from script_io import ArgumentParser, InputError, run
from train_and_plot import (
    add_common_arguments,
    check_n_neighbors,
    positive_int,
    run_combination,
)


def read_parameters(path):
    """Read a parameter file: one 'K METRIC' line per combination."""
    path = pathlib.Path(path)
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        raise InputError(
            f"parameter file '{path}' not found "
            "(write it with create_parameter_file.py)"
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(
            f"cannot read parameter file '{path}': {err}"
        ) from None
    combinations = []
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        valid = (
            len(fields) == 2
            and fields[0].isdigit()
            and int(fields[0]) >= 1
            and fields[1] in METRICS
        )
        if not valid:
            raise InputError(
                f"parameter file '{path}', line {number}: expected "
                "'K METRIC' with K a positive integer and METRIC "
                f"one of {', '.join(METRICS)}, got {line!r}"
            )
        combinations.append((int(fields[0]), fields[1]))
    if not combinations:
        raise InputError(f"parameter file '{path}' is empty")
    return combinations


def lines_of_task(combinations, index, chunk, path):
    """The combinations the array task `index` trains: lines index*chunk to
    index*chunk+chunk-1 of the parameter file (the last task may get fewer)."""
    tasks = -(-len(combinations) // chunk)  # the number of tasks, rounded up
    if not 0 <= index < tasks:
        per_task = f" for tasks of {chunk} lines" if chunk > 1 else ""
        raise InputError(
            f"index {index} is out of range: '{path}' has "
            f"{len(combinations)} lines{per_task}, so the index must be "
            f"between 0 and {tasks - 1}"
        )
    return combinations[index * chunk : (index + 1) * chunk]


def cores_from_slurm():
    """The cores Slurm gave this task, or 1 outside a Slurm job."""
    text = os.environ.get("SLURM_CPUS_PER_TASK", "1")
    try:
        return positive_int(text)
    except ValueError:
        raise InputError(
            f"SLURM_CPUS_PER_TASK is {text!r}, not a positive integer"
        ) from None


def main():
    parser = ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--n_neighbors",
        type=positive_int,
        metavar="K",
        help="number of neighbours (a positive integer)",
    )
    parser.add_argument(
        "--metric",
        choices=METRICS,
        metavar="METRIC",
        help=f"distance metric: one of {', '.join(METRICS)}",
    )
    parser.add_argument(
        "--index",
        type=int,
        metavar="I",
        help=(
            "take K and METRIC from line I "
            "(counting from 0) of the parameter file"
        ),
    )
    parser.add_argument(
        "--params",
        default=DEFAULT_PARAMS,
        metavar="FILE",
        help=f"parameter file used with --index (default: {DEFAULT_PARAMS})",
    )
    parser.add_argument(
        "--chunk",
        type=positive_int,
        default=1,
        metavar="N",
        help="with --index I: train lines I*N to I*N+N-1 (default: 1)",
    )
    parser.add_argument(
        "--n-jobs",
        type=positive_int,
        metavar="N",
        help=(
            "cross-validate on N cores (default: SLURM_CPUS_PER_TASK in a "
            "Slurm job, else 1)"
        ),
    )
    add_common_arguments(parser)
    args = parser.parse_args()

    by_value = args.n_neighbors is not None or args.metric is not None
    if args.index is not None and by_value:
        parser.error(
            "give either --index or --n_neighbors and --metric, not both"
        )
    if args.index is None and (
        args.n_neighbors is None or args.metric is None
    ):
        parser.error("give both --n_neighbors and --metric, or --index")
    if args.index is None and args.chunk != 1:
        parser.error("--chunk goes with --index")

    if args.index is not None:
        combinations = read_parameters(args.params)
        todo = lines_of_task(combinations, args.index, args.chunk, args.params)
    else:
        todo = [(args.n_neighbors, args.metric)]

    n_jobs = args.n_jobs or cores_from_slurm()
    split = load_split(args.data)
    for n_neighbors, _ in todo:  # every line checked before any is trained
        check_n_neighbors(split, n_neighbors)
    for n_neighbors, metric in todo:
        result = run_combination(
            split,
            n_neighbors,
            metric,
            args.results_dir,
            args.cv_repeats,
            n_jobs,
        )
        print(
            f"k = {n_neighbors}, metric = {metric}: test accuracy "
            f"{result['test_accuracy']:.3f}, cross-validated "
            f"{result['cv_accuracy_mean']:.3f} +- "
            f"{result['cv_accuracy_std']:.3f}",
            flush=True,  # at once: a job's output shows each one when done
        )


if __name__ == "__main__":
    run(main)
