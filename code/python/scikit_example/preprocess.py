"""Make the train/test split of the iris data once, and save it for every run.

Run from the code/ folder:  python python/scikit_example/preprocess.py

The split is saved as JSON with sorted keys: every later run, serial or
parallel, trains on exactly the same points.
"""

from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split

from grid import DEFAULT_DATA
from knn_files import json_bytes
from script_io import ArgumentParser, run, write_atomic

# Two features only, so that decision boundaries can be drawn in a plane.
FEATURES = ["sepal length (cm)", "sepal width (cm)"]
TEST_SIZE = 0.3
SEED = 42


def make_split():
    """Load iris, keep two features, and split it with a fixed seed, stratified
    by species."""
    iris = load_iris()
    columns = [iris.feature_names.index(name) for name in FEATURES]
    X = iris.data[:, columns]
    y = iris.target
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_SIZE, stratify=y, random_state=SEED
    )
    return {
        "feature_names": FEATURES,
        "target_names": [str(name) for name in iris.target_names],
        "X_train": X_train.tolist(),
        "y_train": y_train.tolist(),
        "X_test": X_test.tolist(),
        "y_test": y_test.tolist(),
    }


def main():
    parser = ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--output",
        default=DEFAULT_DATA,
        help=f"where to save the split (default: {DEFAULT_DATA})",
    )
    args = parser.parse_args()

    split = make_split()
    write_atomic(args.output, json_bytes(split))
    print(
        f"Saved {len(split['y_train'])} training and "
        f"{len(split['y_test'])} test samples to {args.output}"
    )


if __name__ == "__main__":
    run(main)
