"""The example's grid: which neighbour counts and metrics to try; file names.

This is the only list of combinations in the example. train_and_plot.py,
train_one.py, create_parameter_file.py, submit_jobs.py, collect_results.py and
the Snakefile all import it from here. It imports no library, so a tool that
only needs the list (the Snakefile, which Snakemake reads again inside every
Slurm job) does not have to load scikit-learn and Matplotlib first.

Run on its own, it prints the size of the grid:

    python python/scikit_example/grid.py
"""

NEIGHBOURS = [1, 2, 4, 8, 16, 32, 64]
METRICS = ["euclidean", "manhattan", "chebyshev", "canberra", "cosine"]

# Where the example's files go by default (paths relative to the code/ folder).
DEFAULT_DATA = "data/iris_split.json"
DEFAULT_PARAMS = "params.txt"
DEFAULT_RESULTS = "results"


def combinations():
    """Every (n_neighbors, metric) pair of the grid, always in the same
    order."""
    return [
        (n_neighbors, metric)
        for n_neighbors in NEIGHBOURS
        for metric in METRICS
    ]


def result_name(n_neighbors, metric):
    """The file name (without extension) of one combination's results."""
    return f"knn_k{n_neighbors:02d}_{metric}"


def main():
    """Print the size of the grid: all this file does when it is run on its
    own."""
    from script_io import (
        ArgumentParser,
    )  # here: importing the grid imports nothing

    ArgumentParser(description=__doc__.split("\n")[0]).parse_args()
    first, last = combinations()[0], combinations()[-1]
    print(
        f"{len(NEIGHBOURS)} neighbour counts x {len(METRICS)} "
        f"metrics = {len(combinations())} combinations, from "
        f"{result_name(*first)} to {result_name(*last)}"
    )


if __name__ == "__main__":
    main()
