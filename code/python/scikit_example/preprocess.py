"""Make the train/test split of the iris data once, and save it for every training run.

Run from the code/ folder:  python python/scikit_example/preprocess.py

The split is saved as JSON (plain text, sorted keys), so the same split always gives the same
bytes and every later run, serial or parallel, trains on exactly the same points. This module
also holds the small helpers the other scripts share: loading the split, writing a file safely,
and reporting bad input as one clear line.
"""

import argparse
import json
import os
import pathlib
import sys
import tempfile

from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split

# The two features we keep, so that decision boundaries can be drawn in a plane.
FEATURES = ["sepal length (cm)", "sepal width (cm)"]
TEST_SIZE = 0.3
SEED = 42
DEFAULT_DATA = "data/iris_split.json"


class InputError(Exception):
    """Bad input from the user: reported as one line, without a traceback."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is reported on one line (the usage is in --help)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def run(main):
    """Call main(); report bad input or a file problem as one line on stderr, exit status 1."""
    try:
        main()
    except (InputError, OSError) as err:
        sys.exit(f"{pathlib.Path(sys.argv[0]).name}: error: {err}")


def write_atomic(path, data):
    """Write bytes to path so that no half-written file can ever be left behind.

    The data go to a temporary file in the same folder, which is then renamed over the target:
    a rename within one folder is atomic, so readers see either the old file or the new one.
    """
    path = pathlib.Path(path)
    for folder in (path.parent, *path.parent.parents):
        if folder.exists() and not folder.is_dir():
            raise InputError(f"cannot write {path}: {folder} exists but is a file, not a folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)  # the only way to read the umask is to set it ...
        os.umask(umask)  # ... so put it back at once
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp made the file private: give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def json_bytes(obj):
    """The same object always gives the same bytes: sorted keys, fixed indentation."""
    return (json.dumps(obj, sort_keys=True, indent=1) + "\n").encode()


def make_split():
    """Load iris, keep two features, and split it with a fixed seed, stratified by species."""
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


def load_split(path):
    """Read a split saved by this script; check it so a broken file gives a clear message."""
    path = pathlib.Path(path)
    try:
        split = json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(f"data file '{path}' not found (run preprocess.py first)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"data file '{path}' is not a valid split file: {err}") from None
    keys = ["X_test", "X_train", "feature_names", "target_names", "y_test", "y_train"]
    if not isinstance(split, dict) or sorted(split) != keys:
        raise InputError(f"data file '{path}' is not a valid split file: expected keys {keys}")
    n_classes = len(split["target_names"])
    for part in ("train", "test"):
        X, y = split[f"X_{part}"], split[f"y_{part}"]
        rows_ok = isinstance(X, list) and all(
            isinstance(row, list)
            and len(row) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row)
            for row in X
        )
        labels_ok = isinstance(y, list) and all(
            isinstance(label, int) and 0 <= label < n_classes for label in y
        )
        if not (rows_ok and labels_ok and len(X) == len(y) and len(y) > 0):
            raise InputError(
                f"data file '{path}' is not a valid split file: X_{part} must be a list of "
                f"[x, y] pairs with one class label in y_{part} for each"
            )
    return split


def main():
    parser = ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--output", default=DEFAULT_DATA, help=f"where to save the split (default: {DEFAULT_DATA})"
    )
    args = parser.parse_args()

    split = make_split()
    write_atomic(args.output, json_bytes(split))
    print(
        f"Saved {len(split['y_train'])} training and {len(split['y_test'])} test samples "
        f"to {args.output}"
    )


if __name__ == "__main__":
    run(main)
