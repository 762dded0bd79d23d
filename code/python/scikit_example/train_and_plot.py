"""Train a k-NN classifier for every neighbour count and metric, one by one.

Run from the code/ folder, after preprocess.py:

  python python/scikit_example/train_and_plot.py

Each combination writes results/knn_k{K:02d}_{metric}.json (its accuracies) and
results/knn_k{K:02d}_{metric}.png (its decision boundary). The neighbour counts
and metrics come from grid.py, the example's only list of combinations.
"""

from grid import combinations
from knn_files import load_split
from knn_model import (
    add_common_arguments,
    check_n_neighbors,
    run_combination,
    summary,
)
from script_io import ArgumentParser, run


def make_parser(description=__doc__):
    parser = ArgumentParser(description=description.split("\n")[0])
    add_common_arguments(parser)
    return parser


def train(args, todo):
    split = load_split(args.data)
    for k, metric in todo:
        check_n_neighbors(split, k)
        result = run_combination(
            split, k, metric, args.results_dir, args.cv_repeats
        )
        # flush: print at once, so that a job's output file shows every
        # combination done, even if the job is stopped
        print(
            f"k = {k:2d}  {metric:<10s}  {summary(result, '  ')}", flush=True
        )


def main():
    args = make_parser().parse_args()
    train(args, combinations())


if __name__ == "__main__":
    run(main)
