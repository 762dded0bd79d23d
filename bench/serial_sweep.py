"""The benchmark's serial baseline: train every combination of a parameter file in ONE process.

It does what train_and_plot.py does (one Python start, then a loop over combinations), restricted to
the lines of the parameter file, so the serial job and the parallel runs do exactly the same work.
Run from a copy of the code/ folder:

    python /path/to/bench/serial_sweep.py --params params.txt --cv-repeats 200
"""

import argparse
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path("python/scikit_example").resolve()))

from knn_files import load_split  # noqa: E402
from knn_model import read_parameters, run_combination  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--params", default="params.txt")
    parser.add_argument("--data", default="data/iris_split.json")
    parser.add_argument("--results-dir", default="results")
    parser.add_argument("--cv-repeats", type=int, default=1)
    args = parser.parse_args()
    split = load_split(args.data)
    pathlib.Path(args.results_dir).mkdir(parents=True, exist_ok=True)
    for n_neighbors, metric in read_parameters(args.params):
        run_combination(split, n_neighbors, metric, args.results_dir, args.cv_repeats)


if __name__ == "__main__":
    main()
