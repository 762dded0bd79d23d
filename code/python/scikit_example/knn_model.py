"""The k-NN example's machinery: train, score and plot one combination.

The scripts import what they need from here: train_and_plot.py,
train_one.py, train_task.py, train_resumable.py and shared_table.py. It also
holds the options those scripts share and the reading of the parameter file
that create_parameter_file.py writes.
"""

import io
import pathlib

import matplotlib

matplotlib.use(
    "Agg"
)  # draw into files only: no window, works on a cluster node
import matplotlib.pyplot as plt
import numpy as np
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier

from grid import DEFAULT_DATA, DEFAULT_RESULTS, METRICS, result_name
from knn_files import json_bytes
from preprocess import SEED
from script_io import InputError, write_atomic

CV_FOLDS = 5
COLOURS = [
    "#0072B2",
    "#E69F00",
    "#009E73",
]  # one per species, readable with colour blindness


def cross_validation(cv_repeats):
    """Stratified k-fold, repeated cv_repeats times, always with the same
    shuffling."""
    return RepeatedStratifiedKFold(
        n_splits=CV_FOLDS, n_repeats=cv_repeats, random_state=SEED
    )


def check_n_neighbors(split, n_neighbors):
    """A model cannot look at more neighbours than the smallest training fold
    has points."""
    y_train = np.array(split["y_train"])
    folds = cross_validation(1).split(np.zeros((len(y_train), 1)), y_train)
    smallest = min(len(train_rows) for train_rows, _ in folds)
    if not 1 <= n_neighbors <= smallest:
        raise InputError(
            f"n_neighbors must be between 1 and {smallest} (the size of the "
            f"smallest cross-validation training fold), got {n_neighbors}"
        )


def train_and_evaluate(split, n_neighbors, metric, cv_repeats=1, n_jobs=1):
    """Fit one model; return it with its test accuracy and cross-validated
    accuracy."""
    X_train, y_train = np.array(split["X_train"]), np.array(split["y_train"])
    X_test, y_test = np.array(split["X_test"]), np.array(split["y_test"])
    cv = cross_validation(cv_repeats)

    model = KNeighborsClassifier(
        n_neighbors=n_neighbors,
        metric=metric,
    )
    cv_scores = cross_val_score(model, X_train, y_train, cv=cv, n_jobs=n_jobs)
    model.fit(X_train, y_train)
    test_accuracy = model.score(X_test, y_test)

    result = {
        "n_neighbors": n_neighbors,
        "metric": metric,
        "cv_folds": CV_FOLDS,
        "cv_repeats": cv_repeats,
        # Rounded, so the files hold a fixed number of digits.
        "test_accuracy": round(float(test_accuracy), 6),
        "cv_accuracy_mean": round(float(cv_scores.mean()), 6),
        "cv_accuracy_std": round(float(cv_scores.std()), 6),
    }
    return model, result


def plot_boundary(model, split, n_neighbors, metric, test_accuracy):
    """Draw the model's decision boundary with the training and test points;
    return PNG bytes."""
    X_train, y_train = np.array(split["X_train"]), np.array(split["y_train"])
    X_test, y_test = np.array(split["X_test"]), np.array(split["y_test"])
    X = np.vstack([X_train, X_test])
    features, colours = split["feature_names"], COLOURS

    fig, ax = plt.subplots(figsize=(5, 4))
    DecisionBoundaryDisplay.from_estimator(
        model,
        X,
        response_method="predict",
        plot_method="contourf",
        alpha=0.4,
        multiclass_colors=colours,
        ax=ax,
    )
    ax.scatter(
        *X_train.T,
        c=[colours[label] for label in y_train],
        edgecolor="k",
        marker="o",
        label="train",
    )
    ax.scatter(
        *X_test.T,
        c=[colours[label] for label in y_test],
        edgecolor="k",
        marker="^",
        label="test",
    )
    ax.set_title(
        f"k = {n_neighbors}, {metric}: test accuracy {test_accuracy:.2f}"
    )
    ax.set_xlabel(features[0])
    ax.set_ylabel(features[1])
    legend = ax.legend(loc="upper right")
    # The marker shape tells train from test: show it without a fill colour.
    for handle in legend.legend_handles:
        handle.set_facecolor("white")
    fig.tight_layout()

    # Into memory first; write_atomic then puts the bytes in place in one step.
    # No metadata: the PNG then holds no date or version, so the same figure
    # always gives the same bytes.
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def run_combination(
    split, n_neighbors, metric, results_dir, cv_repeats=1, n_jobs=1
):
    """Train, evaluate and plot one combination, and save its two result
    files. The cross-validation runs on n_jobs processes."""
    model, result = train_and_evaluate(
        split, n_neighbors, metric, cv_repeats, n_jobs
    )
    png = plot_boundary(
        model, split, n_neighbors, metric, result["test_accuracy"]
    )
    stem = f"{results_dir}/{result_name(n_neighbors, metric)}"
    write_atomic(f"{stem}.png", png)
    write_atomic(f"{stem}.json", json_bytes(result))
    return result


def summary(result, sep=", "):
    """One combination's scores, as the training scripts print them."""
    return (
        f"test accuracy {result['test_accuracy']:.3f}{sep}cross-validated "
        f"{result['cv_accuracy_mean']:.3f} +- {result['cv_accuracy_std']:.3f}"
    )


def positive_int(text):
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(text)
    return value


positive_int.__name__ = (
    "positive integer"  # argparse names the type in its error message
)


def add_common_arguments(parser):
    """The options every training script has: --data, --results-dir and
    --cv-repeats."""
    parser.add_argument(
        "--data",
        default=DEFAULT_DATA,
        help=f"the saved split (default: {DEFAULT_DATA})",
    )
    parser.add_argument(
        "--results-dir",
        default=DEFAULT_RESULTS,
        help=f"folder for the result files (default: {DEFAULT_RESULTS})",
    )
    parser.add_argument(
        "--cv-repeats",
        type=positive_int,
        default=1,
        metavar="N",
        help=(
            "repeat the cross-validation N times, only "
            "to make each run heavier (default: 1)"
        ),
    )


def read_parameters(path):
    """Read a parameter file: one 'K METRIC' line per combination."""
    path = pathlib.Path(path)
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        raise InputError(
            f"parameter file '{path}' not found "
            "(write it with create_parameter_file.py)"
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(
            f"cannot read parameter file '{path}': {err}"
        ) from None
    combinations = []
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        valid = (
            len(fields) == 2
            and fields[0].isdigit()
            and int(fields[0]) >= 1
            and fields[1] in METRICS
        )
        if not valid:
            raise InputError(
                f"parameter file '{path}', line {number}: expected "
                "'K METRIC' with K a positive integer and METRIC "
                f"one of {', '.join(METRICS)}, got {line!r}"
            )
        combinations.append((int(fields[0]), fields[1]))
    if not combinations:
        raise InputError(f"parameter file '{path}' is empty")
    return combinations


def lines_of_task(path, index, chunk=1):
    """The combinations the array task `index` trains: lines index*chunk to
    index*chunk+chunk-1 of the parameter file (the last task may get fewer)."""
    combinations = read_parameters(path)
    tasks = -(-len(combinations) // chunk)  # the number of tasks, rounded up
    if not 0 <= index < tasks:
        per_task = f" for tasks of {chunk} lines" if chunk > 1 else ""
        raise InputError(
            f"index {index} is out of range: '{path}' has "
            f"{len(combinations)} lines{per_task}, so the index must be "
            f"between 0 and {tasks - 1}"
        )
    return combinations[index * chunk : (index + 1) * chunk]
