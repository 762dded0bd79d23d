"""The k-NN example's results: read and check result files, make the summary.

collect_results.py reads every knn_*.json file that the training writes and
turns them into one CSV table and one figure of two heatmaps, both the same
bytes for the same results.
"""

import csv
import io
import json
import math
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from grid import METRICS, combinations, result_name
from script_io import InputError

COLUMNS = [
    "n_neighbors",
    "metric",
    "test_accuracy",
    "cv_accuracy_mean",
    "cv_accuracy_std",
    "cv_repeats",
]
ACCURACIES = ["test_accuracy", "cv_accuracy_mean", "cv_accuracy_std"]


def read_result(path):
    """Read one result file and check that it holds what the training
    writes."""
    try:
        result = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"malformed result file '{path}': {err}") from None
    if not isinstance(result, dict) or not set(COLUMNS) <= set(result):
        raise InputError(
            f"malformed result file '{path}': it "
            f"needs the keys {', '.join(COLUMNS)}"
        )
    k, metric = result["n_neighbors"], result["metric"]
    if not (
        isinstance(k, int)
        and k >= 1
        and isinstance(metric, str)
        and path.stem == result_name(k, metric)
    ):
        raise InputError(
            f"malformed result file '{path}': its "
            "n_neighbors and metric do not match its name"
        )
    for key in ACCURACIES:
        value = result[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 <= value <= 1
        ):
            raise InputError(
                f"malformed result file '{path}': "
                f"{key} must be between 0 and 1"
            )
    return result


def read_results(results_dir):
    """All results in results_dir, sorted by neighbour count, then by
    metric."""
    results_dir = pathlib.Path(results_dir)
    if not results_dir.is_dir():
        raise InputError(
            f"results folder '{results_dir}' "
            "not found (run the training first)"
        )
    paths = sorted(results_dir.glob("knn_*.json"))
    if not paths:
        raise InputError(f"no result files (knn_*.json) in '{results_dir}'")
    results = [read_result(path) for path in paths]
    return sorted(
        results, key=lambda r: (r["n_neighbors"], metric_order(r["metric"]))
    )


def metric_order(metric):
    """Sort key: the grid's metrics in the grid's order, any others after them
    by name."""
    return (
        (METRICS.index(metric), "")
        if metric in METRICS
        else (len(METRICS), metric)
    )


def missing_combinations(results):
    """The combinations of the grid that have no result, in the grid's
    order."""
    done = {(r["n_neighbors"], r["metric"]) for r in results}
    return [combo for combo in combinations() if combo not in done]


def table_bytes(results):
    """The results as CSV text with a fixed number of digits."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in results:
        writer.writerow(
            [r["n_neighbors"], r["metric"]]
            + [f"{r[key]:.4f}" for key in ACCURACIES]
            + [r["cv_repeats"]]
        )
    return buffer.getvalue().encode()


def heatmap_bytes(results):
    """Two heatmaps, cross-validated and test accuracy, over neighbours x
    metric; PNG bytes."""
    ks = sorted({r["n_neighbors"] for r in results})
    metrics = sorted({r["metric"] for r in results}, key=metric_order)
    fig, axes = plt.subplots(
        1, 2, figsize=(9, 4.5), sharey=True, layout="constrained"
    )
    for ax, key, title in zip(
        axes,
        ["cv_accuracy_mean", "test_accuracy"],
        ["cross-validated accuracy (training set)", "test accuracy"],
        strict=True,
    ):
        grid = np.full((len(ks), len(metrics)), math.nan)
        for r in results:
            grid[ks.index(r["n_neighbors"]), metrics.index(r["metric"])] = r[
                key
            ]
        image = ax.imshow(
            grid, vmin=0.5, vmax=1.0, cmap="viridis", aspect="auto"
        )
        for (row, col), value in np.ndenumerate(grid):
            if not math.isnan(value):
                ax.text(
                    col,
                    row,
                    f"{value:.2f}",
                    ha="center",
                    va="center",
                    color="white" if value < 0.75 else "black",
                    fontsize=9,
                )
        ax.set_xticks(range(len(metrics)), metrics, rotation=30, ha="right")
        ax.set_yticks(range(len(ks)), [str(k) for k in ks])
        ax.set_xlabel("metric")
        ax.set_title(title)
    axes[0].set_ylabel("number of neighbours k")
    fig.colorbar(image, ax=axes, label="accuracy", shrink=0.9)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
