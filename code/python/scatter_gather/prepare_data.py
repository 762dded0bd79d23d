"""Step 1 of scatter/gather: make the two-moons data set and split it.

The data are generated on the spot by scikit-learn's make_moons with a fixed
seed, so nothing is downloaded and every run writes the same bytes. The output
is a JSON file with the training and test points, which the training step (one
run per classifier) and the merge step both read.

    python python/scatter_gather/prepare_data.py --output results/moons.json
"""

from __future__ import annotations

from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

from script_io import ArgumentParser, InputError, run, write_atomic
from step_files import json_bytes

N_SAMPLES = 200
NOISE = 0.3
TEST_FRACTION = 0.4
DECIMALS = (
    6  # the points are stored rounded, so the file is small and easy to read
)


def parse_args():
    parser = ArgumentParser(
        description="Make the two-moons data set and split it."
    )
    parser.add_argument(
        "--output",
        default="moons.json",
        help="JSON file to write (default: %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1,
        help="random seed (default: %(default)s)",
    )
    return parser.parse_args()


def make_dataset(seed: int) -> dict:
    features, labels = make_moons(
        n_samples=N_SAMPLES, noise=NOISE, random_state=seed
    )
    x_train, x_test, y_train, y_test = train_test_split(
        features,
        labels,
        test_size=TEST_FRACTION,
        random_state=seed,
        stratify=labels,
    )

    def points(array):
        return [
            [round(float(value), DECIMALS) for value in row] for row in array
        ]

    return {
        "dataset": "two moons",
        "n_samples": N_SAMPLES,
        "noise": NOISE,
        "seed": seed,
        "test_fraction": TEST_FRACTION,
        "x_train": points(x_train),
        "y_train": [int(label) for label in y_train],
        "x_test": points(x_test),
        "y_test": [int(label) for label in y_test],
    }


def main() -> None:
    args = parse_args()
    if args.seed < 0:
        raise InputError(f"--seed must be zero or positive, not {args.seed}")
    write_atomic(args.output, json_bytes(make_dataset(args.seed)))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    run(main)
