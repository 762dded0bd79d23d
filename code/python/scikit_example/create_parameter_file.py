"""Write the parameter file: one 'K METRIC' line per combination of the grid.

Run from the code/ folder:

    python python/scikit_example/create_parameter_file.py

Line I (counting from 0) is what `train_one.py --index I` runs, so an array job
with indices 0 to N-1 runs every combination once. The script prints N, the
number of lines it wrote.
"""

from grid import DEFAULT_PARAMS, combinations
from script_io import ArgumentParser, run, write_atomic


def main():
    parser = ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--output",
        default=DEFAULT_PARAMS,
        help=f"where to write the file (default: {DEFAULT_PARAMS})",
    )
    args = parser.parse_args()

    lines = [
        f"{n_neighbors} {metric}\n" for n_neighbors, metric in combinations()
    ]
    write_atomic(args.output, "".join(lines))
    print(f"Wrote {len(lines)} lines to {args.output}")


if __name__ == "__main__":
    run(main)
