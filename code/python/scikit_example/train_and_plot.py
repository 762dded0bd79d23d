"""Train a k-NN classifier for every neighbour count and metric, one by one.

Run from the code/ folder, after preprocess.py:  python
python/scikit_example/train_and_plot.py

Each combination writes results/knn_k{K:02d}_{metric}.json (its accuracies) and
results/knn_k{K:02d}_{metric}.png (its decision boundary). The neighbour counts
and metrics come from grid.py, the example's only list of combinations.

With --resume, combinations whose two result files are already there are not
trained again: a run that was stopped (by a job's time limit, say) goes on
where it stopped. Each result is written whole, once its combination is done,
so a stopped run leaves no half-written file behind.
"""

import io
import json
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

from grid import DEFAULT_DATA, DEFAULT_RESULTS, combinations, result_name
from knn_files import json_bytes, load_split
from preprocess import SEED
from script_io import ArgumentParser, InputError, run, write_atomic

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
    """The options train_and_plot.py and train_one.py share."""
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


def done_before(results_dir, cv_repeats):
    """The combinations whose two result files exist (for --resume). A result
    made with another --cv-repeats is an error, not something to keep."""
    done = set()
    for n_neighbors, metric in combinations():
        stem = pathlib.Path(results_dir, result_name(n_neighbors, metric))
        json_file = stem.with_suffix(".json")
        if not (json_file.exists() and stem.with_suffix(".png").exists()):
            continue
        try:
            made_with = json.loads(json_file.read_text()).get("cv_repeats")
        except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
            raise InputError(f"malformed result file '{json_file}'") from None
        if made_with != cv_repeats:
            raise InputError(
                f"'{json_file}' was made with --cv-repeats {made_with}, not "
                f"{cv_repeats}: resume with the same value, or use another "
                "--results-dir"
            )
        done.add((n_neighbors, metric))
    total = len(combinations())
    print(
        f"resuming: {len(done)} of {total} combinations already done",
        flush=True,
    )
    return done


def main():
    parser = ArgumentParser(description=__doc__.split("\n")[0])
    add_common_arguments(parser)
    parser.add_argument(
        "--resume",
        action="store_true",
        help="skip the combinations whose result files exist",
    )
    args = parser.parse_args()

    split = load_split(args.data)
    done = set()
    if args.resume:  # for runs in parts: see the chapter on long jobs
        done = done_before(args.results_dir, args.cv_repeats)
    for n_neighbors, metric in combinations():
        if (n_neighbors, metric) in done:
            continue  # trained by an earlier run
        check_n_neighbors(split, n_neighbors)
        result = run_combination(
            split, n_neighbors, metric, args.results_dir, args.cv_repeats
        )
        print(
            f"k = {n_neighbors:2d}  {metric:<10s}  "
            f"test accuracy {result['test_accuracy']:.3f}  "
            f"cross-validated {result['cv_accuracy_mean']:.3f} "
            f"+- {result['cv_accuracy_std']:.3f}",
            # at once, not when Python's buffer is full: a job's output file
            # then shows every combination done, even if the job is stopped
            flush=True,
        )
    if args.resume:
        print(f"all {len(combinations())} combinations done")


if __name__ == "__main__":
    run(main)
