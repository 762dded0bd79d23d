"""The k-NN example's data files: JSON written the same way every time, and
the saved train/test split read back with checks.

preprocess.py writes the split, train_and_plot.py and train_one.py read it;
every result file goes through json_bytes(). Where the files go by default is
in grid.py; writing them safely and reporting errors is in script_io.py.
"""

import json
import pathlib

from script_io import InputError


def json_bytes(obj):
    """The same object always gives the same bytes: sorted keys, fixed
    indentation."""
    return (json.dumps(obj, sort_keys=True, indent=1) + "\n").encode()


def load_split(path):
    """Read a split saved by preprocess.py; check it so a broken file gives a
    clear message."""
    path = pathlib.Path(path)
    try:
        split = json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(
            f"data file '{path}' not found (run preprocess.py first)"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(
            f"data file '{path}' is not a valid split file: {err}"
        ) from None
    keys = [
        "X_test",
        "X_train",
        "feature_names",
        "target_names",
        "y_test",
        "y_train",
    ]
    if not isinstance(split, dict) or sorted(split) != keys:
        raise InputError(
            f"data file '{path}' is not a valid "
            f"split file: expected keys {keys}"
        )
    n_classes = len(split["target_names"])
    for part in ("train", "test"):
        X, y = split[f"X_{part}"], split[f"y_{part}"]
        rows_ok = isinstance(X, list) and all(
            isinstance(row, list)
            and len(row) == 2
            and all(
                isinstance(v, (int, float)) and not isinstance(v, bool)
                for v in row
            )
            for row in X
        )
        labels_ok = isinstance(y, list) and all(
            isinstance(label, int) and 0 <= label < n_classes for label in y
        )
        if not (rows_ok and labels_ok and len(X) == len(y) and len(y) > 0):
            raise InputError(
                f"data file '{path}' is not a valid split file: "
                f"X_{part} must be a list of [x, y] pairs with "
                f"one class label in y_{part} for each"
            )
    return split
