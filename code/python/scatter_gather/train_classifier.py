"""Step 2 of the scatter/gather example: train ONE classifier and score it.

A workflow runs this step once per classifier, all at the same time (the
"scatter"). Each run writes a small JSON result: the test accuracy, and the
classifier's decision surface evaluated on a fixed grid, which is all the merge
step needs to draw its panel.

    python python/scatter_gather/train_classifier.py --classifier rbf_svm \
        --data results/moons.json --output results/rbf_svm.json
"""

from __future__ import annotations

import numpy as np

import classifiers
from script_io import ArgumentParser, InputError, run, write_atomic
from step_files import json_bytes, read_json, sha256_of

GRID_STEPS = (
    61  # points per axis of the grid the decision surface is evaluated on
)
MARGIN = 0.5  # how far the grid reaches beyond the data, in feature units
DECIMALS = (
    4  # the surface is stored rounded, which keeps the result file small
)


def parse_args():
    names = ", ".join(classifiers.CLASSIFIERS)
    parser = ArgumentParser(
        description="Train one classifier on the two-moons data."
    )
    parser.add_argument(
        "--classifier", required=True, help=f"which classifier: one of {names}"
    )
    parser.add_argument(
        "--data",
        default="moons.json",
        help="data file from prepare_data.py (default: %(default)s)",
    )
    parser.add_argument(
        "--output", help="result file to write (default: <classifier>.json)"
    )
    return parser.parse_args()


def load_data(path: str) -> dict[str, np.ndarray]:
    """Read the prepared data and check that it has the shape this step
    expects."""
    raw = read_json(path, "data file")
    arrays = {}
    for key in ("x_train", "y_train", "x_test", "y_test"):
        if key not in raw:
            raise InputError(
                f"data file '{path}' has no '{key}' "
                "(was it written by prepare_data.py?)"
            )
        try:
            arrays[key] = np.asarray(raw[key], dtype=float)
        except (TypeError, ValueError):
            raise InputError(
                f"data file '{path}': '{key}' is not a list of numbers"
            ) from None
    for part in ("train", "test"):
        x, y = arrays[f"x_{part}"], arrays[f"y_{part}"]
        if (
            x.ndim != 2
            or x.shape[1] != 2
            or y.shape != (len(x),)
            or len(x) == 0
        ):
            raise InputError(
                f"data file '{path}': the {part} "
                "points are not N pairs with N labels"
            )
    arrays["y_train"] = arrays["y_train"].astype(int)
    arrays["y_test"] = arrays["y_test"].astype(int)
    return arrays


def decision_surface(
    model, x_all: np.ndarray
) -> tuple[dict, list[list[float]], str]:
    """Evaluate the fitted model on a grid that covers every data point with a
    margin."""
    low = np.floor((x_all.min(axis=0) - MARGIN) * 10) / 10
    high = np.ceil((x_all.max(axis=0) + MARGIN) * 10) / 10
    xs = np.linspace(low[0], high[0], GRID_STEPS)
    ys = np.linspace(low[1], high[1], GRID_STEPS)
    grid_x, grid_y = np.meshgrid(xs, ys)
    points = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    if hasattr(model, "decision_function"):
        values, kind = model.decision_function(points), "decision_function"
    else:
        values, kind = model.predict_proba(points)[:, 1], "probability"
    surface = [
        [
            round(float(v), DECIMALS) + 0.0 for v in row
        ]  # + 0.0 turns -0.0 into 0.0
        for row in values.reshape(grid_x.shape)
    ]
    grid = {
        "x_min": float(low[0]),
        "x_max": float(high[0]),
        "y_min": float(low[1]),
        "y_max": float(high[1]),
        "steps": GRID_STEPS,
    }
    return grid, surface, kind


def main() -> None:
    args = parse_args()
    if args.classifier not in classifiers.CLASSIFIERS:
        valid = ", ".join(classifiers.CLASSIFIERS)
        raise InputError(
            f"unknown classifier '{args.classifier}'; choose one of: {valid}"
        )
    output = args.output or f"{args.classifier}.json"
    data = load_data(args.data)

    model = classifiers.build(args.classifier)
    model.fit(data["x_train"], data["y_train"])
    score = float(model.score(data["x_test"], data["y_test"]))
    all_points = np.vstack([data["x_train"], data["x_test"]])
    grid, surface, kind = decision_surface(model, all_points)

    result = {
        "classifier": args.classifier,
        "title": classifiers.title(args.classifier),
        "test_accuracy": score,
        "n_test": int(len(data["y_test"])),
        "data_sha256": sha256_of(args.data),  # which data this came from
        "grid": grid,
        "surface_kind": kind,
        "surface": surface,
    }
    write_atomic(output, json_bytes(result))
    print(f"{args.classifier}: test accuracy {score:.3f}, wrote {output}")


if __name__ == "__main__":
    run(main)
