"""Step 3 of scatter/gather: merge all results into one figure and one table.

It takes any number of result files from train_classifier.py (the "gather"),
checks that they all come from the same data file, and writes

- a PNG figure with one panel per classifier: its decision surface, the data
  points and its test
  accuracy, and
- a CSV summary with one row per classifier.

Panels and rows are sorted by classifier name, so the outputs do not depend on
the order in which the result files are given, and two runs give byte-identical
files.

    python python/scatter_gather/merge_and_plot.py --data results/moons.json \
        --figure results/classifiers.png --summary results/scores.csv \
        results/*_svm.json
"""

from __future__ import annotations

import csv
import io
import math
import pathlib

import matplotlib

matplotlib.use("Agg")  # draw into files only; no window is needed on a cluster

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import TwoSlopeNorm  # noqa: E402

from script_io import ArgumentParser, InputError, run, write_atomic  # noqa: E402
from step_files import read_json, sha256_of  # noqa: E402

PANEL_INCHES = 3.0
DPI = 100
MAX_COLUMNS = 3
RESULT_KEYS = (
    "classifier",
    "title",
    "test_accuracy",
    "n_test",
    "data_sha256",
    "grid",
    "surface_kind",
    "surface",
)
BOUNDARY = {
    "decision_function": 0.0,
    "probability": 0.5,
}  # where the class changes, per surface kind
CLASS_COLOURS = ("#b2182b", "#2166ac")  # the two ends of the RdBu colour map


def parse_args():
    parser = ArgumentParser(
        description="Merge per-classifier results into a figure and a table."
    )
    parser.add_argument(
        "results",
        nargs="+",
        help="result files written by train_classifier.py",
    )
    parser.add_argument(
        "--data",
        default="moons.json",
        help=(
            "the data file the results were "
            "computed from (default: %(default)s)"
        ),
    )
    parser.add_argument(
        "--figure",
        default="classifiers.png",
        help="PNG file to write (default: %(default)s)",
    )
    parser.add_argument(
        "--summary",
        default="scores.csv",
        help="CSV file to write (default: %(default)s)",
    )
    return parser.parse_args()


def load_results(paths: list[str], data_path: str) -> list[dict]:
    """Read and check every result file; return them sorted by classifier
    name."""
    data_checksum = sha256_of(data_path)
    results: dict[str, dict] = {}
    for path in paths:
        result = read_json(path, "result file")
        missing = [key for key in RESULT_KEYS if key not in result]
        if missing:
            raise InputError(
                f"result file '{path}' lacks {', '.join(missing)} "
                "(was it written by train_classifier.py?)"
            )
        name = result["classifier"]
        if name in results:
            raise InputError(
                f"classifier '{name}' appears twice (result file '{path}')"
            )
        if result["data_sha256"] != data_checksum:
            raise InputError(
                f"result file '{path}' was computed "
                f"from other data than '{data_path}'"
            )
        if result["surface_kind"] not in BOUNDARY:
            raise InputError(
                f"result file '{path}': unknown "
                f"surface_kind '{result['surface_kind']}'"
            )
        steps = result["grid"].get("steps")
        surface = np.asarray(result["surface"], dtype=float)
        if surface.shape != (steps, steps):
            raise InputError(
                f"result file '{path}': the surface "
                f"is not a {steps} x {steps} grid"
            )
        results[name] = result
    ordered = [results[name] for name in sorted(results)]
    grids = {repr(sorted(r["grid"].items())) for r in ordered}
    if len(grids) > 1:
        raise InputError(
            "the result files were evaluated on "
            "different grids; rerun the training steps"
        )
    return ordered


def load_points(data_path: str) -> dict[str, np.ndarray]:
    data = read_json(data_path, "data file")
    try:
        return {
            key: np.asarray(data[key], dtype=float)
            for key in ("x_train", "y_train", "x_test", "y_test")
        }
    except (KeyError, TypeError, ValueError):
        raise InputError(
            f"data file '{data_path}' does not hold "
            "the points written by prepare_data.py"
        ) from None


def draw_panel(ax, result: dict, points: dict[str, np.ndarray]) -> None:
    grid = result["grid"]
    xs = np.linspace(grid["x_min"], grid["x_max"], grid["steps"])
    ys = np.linspace(grid["y_min"], grid["y_max"], grid["steps"])
    surface = np.asarray(result["surface"], dtype=float)
    centre = BOUNDARY[result["surface_kind"]]
    spread = max(
        abs(surface.min() - centre), abs(surface.max() - centre), 1e-6
    )
    norm = TwoSlopeNorm(
        vmin=centre - spread, vcenter=centre, vmax=centre + spread
    )
    ax.contourf(xs, ys, surface, levels=15, cmap="RdBu", norm=norm, alpha=0.8)
    ax.contour(
        xs, ys, surface, levels=[centre], colors="black", linewidths=1.0
    )
    for part, edge, alpha in (("train", "white", 1.0), ("test", "black", 0.6)):
        colours = [CLASS_COLOURS[int(label)] for label in points[f"y_{part}"]]
        x = points[f"x_{part}"]
        ax.scatter(
            x[:, 0],
            x[:, 1],
            c=colours,
            edgecolors=edge,
            linewidths=0.6,
            s=18,
            alpha=alpha,
        )
    ax.set_xlim(grid["x_min"], grid["x_max"])
    ax.set_ylim(grid["y_min"], grid["y_max"])
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(result["title"], fontsize=10)
    ax.text(
        0.97,
        0.03,
        f"{result['test_accuracy']:.2f}",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=11,
        fontweight="bold",
        bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
    )


def figure_png(results: list[dict], points: dict[str, np.ndarray]) -> bytes:
    columns = min(MAX_COLUMNS, len(results))
    rows = math.ceil(len(results) / columns)
    fig, axes = plt.subplots(
        rows,
        columns,
        figsize=(PANEL_INCHES * columns, PANEL_INCHES * rows),
        dpi=DPI,
        squeeze=False,
        layout="constrained",
    )
    for ax, result in zip(axes.flat, results, strict=False):
        draw_panel(ax, result, points)
    for ax in list(axes.flat)[len(results) :]:
        ax.set_visible(False)
    buffer = io.BytesIO()
    fig.savefig(
        buffer, format="png", dpi=DPI, metadata={"Software": None}
    )  # no version, no date
    plt.close(fig)
    return buffer.getvalue()


def summary_csv(results: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["classifier", "title", "test_accuracy", "n_test"])
    for result in results:
        writer.writerow(
            [
                result["classifier"],
                result["title"],
                f"{result['test_accuracy']:.4f}",
                result["n_test"],
            ]
        )
    return buffer.getvalue().encode("utf-8")


def main() -> None:
    args = parse_args()
    results = load_results(args.results, args.data)
    png = figure_png(results, load_points(args.data))
    table = summary_csv(results)
    write_atomic(args.figure, png)
    try:
        write_atomic(args.summary, table)
    except BaseException:
        pathlib.Path(args.figure).unlink(missing_ok=True)  # all or nothing
        raise
    print(
        f"merged {len(results)} classifiers: "
        f"wrote {args.figure} and {args.summary}"
    )


if __name__ == "__main__":
    run(main)
