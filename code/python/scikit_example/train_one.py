"""Train, evaluate and plot ONE combination of neighbour count and metric.

Run from the code/ folder, after preprocess.py, with the two values, or with
line I (from 0) of the parameter file, as an array task does:
  python python/scikit_example/train_one.py --n-neighbors 8 --metric manhattan
  python python/scikit_example/train_one.py --index 3 --params params.txt
"""

from grid import DEFAULT_PARAMS, METRICS
from knn_files import load_split
from knn_model import (
    add_common_arguments,
    check_n_neighbors,
    lines_of_task,
    positive_int,
    run_combination,
    summary,
)
from script_io import ArgumentParser, run


def make_parser(description=__doc__):
    parser = ArgumentParser(description=description.split("\n")[0])
    parser.add_argument("--n-neighbors", type=positive_int, metavar="K")
    parser.add_argument("--metric", choices=METRICS, help="distance metric")
    parser.add_argument("--index", type=int, metavar="I", help="FILE's line I")
    parser.add_argument("--params", default=DEFAULT_PARAMS, metavar="FILE")
    add_common_arguments(parser)
    return parser


def chosen(parser, args, chunk=1):
    """The combinations to train: the one given, or the file's line I."""
    given = [args.n_neighbors, args.metric]
    if args.index is not None and given == [None, None]:
        return lines_of_task(args.params, args.index, chunk)
    if args.index is None and None not in given:
        return [tuple(given)]
    parser.error("give --n-neighbors and --metric, or --index, not both")


def train(args, todo, n_jobs=1):
    split = load_split(args.data)
    for k, _ in todo:  # every line is checked before any is trained
        check_n_neighbors(split, k)
    for k, metric in todo:
        result = run_combination(
            split, k, metric, args.results_dir, args.cv_repeats, n_jobs
        )
        print(f"k = {k}, metric = {metric}: {summary(result)}", flush=True)


def main():
    parser = make_parser()
    args = parser.parse_args()
    train(args, chosen(parser, args))


if __name__ == "__main__":
    run(main)
