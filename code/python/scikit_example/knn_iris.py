"""k-nearest neighbours on iris: the notebook knn_iris.ipynb as a plain script.

Run from the code/ folder:  python python/scikit_example/knn_iris.py

It trains a classifier for every number of neighbours and distance metric,
prints their accuracies, and saves the grid of decision boundaries to
knn_iris.png (see --figure).
"""

import argparse
import os
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")  # no screen on a cluster node: draw into a file only
import matplotlib.pyplot as plt
from sklearn.datasets import load_iris
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import (
    RepeatedStratifiedKFold,
    cross_val_score,
    train_test_split,
)
from sklearn.neighbors import KNeighborsClassifier


def save_figure(fig, path):
    """Save a PNG under a temporary name, then rename it: a failed run leaves
    no broken file."""
    path = pathlib.Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        # No metadata (no date): the same figure always gives the same bytes.
        fig.savefig(temporary, format="png", metadata={"Software": None})
        os.replace(temporary, path)
    except OSError as err:
        if temporary.is_file():
            temporary.unlink()
        sys.exit(
            f"knn_iris.py: error: cannot save the figure to '{path}': {err}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    # A usage mistake: one line, as every error here (--help shows the usage).
    parser.error = lambda message: sys.exit(f"knn_iris.py: error: {message}")
    parser.add_argument(
        "--figure",
        default="knn_iris.png",
        help="PNG file for the decision boundaries (default: knn_iris.png)",
    )
    args = parser.parse_args()
    # Make the figure's folder first: a bad path fails at once, not after the
    # work.
    try:
        pathlib.Path(args.figure).parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        sys.exit(
            "knn_iris.py: error: cannot create a folder "
            f"for the figure '{args.figure}': {err}"
        )

    # Load the data, keep two features, and split it.
    iris = load_iris()
    features = ["sepal length (cm)", "sepal width (cm)"]
    columns = [iris.feature_names.index(name) for name in features]
    X = iris.data[:, columns]
    y = iris.target

    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=42
    )
    print(
        f"{len(y_train)} training and {len(y_test)} "
        f"test samples of {', '.join(iris.target_names)}"
    )

    # Try every combination.
    neighbours = [1, 2, 4, 8, 16, 32, 64]
    metrics = ["euclidean", "manhattan", "chebyshev", "canberra", "cosine"]
    colours = ["#0072B2", "#E69F00", "#009E73"]  # one per species
    cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=1, random_state=42)

    fig, axes = plt.subplots(
        len(neighbours),
        len(metrics),
        figsize=(10, 12),
        sharex=True,
        sharey=True,
    )
    results = []
    for row, n_neighbors in enumerate(neighbours):
        for col, metric in enumerate(metrics):
            model = KNeighborsClassifier(
                n_neighbors=n_neighbors,
                metric=metric,
            )
            cv_scores = cross_val_score(model, X_train, y_train, cv=cv)
            model.fit(X_train, y_train)
            test_accuracy = model.score(X_test, y_test)
            results.append(
                (
                    n_neighbors,
                    metric,
                    test_accuracy,
                    cv_scores.mean(),
                    cv_scores.std(),
                )
            )

            ax = axes[row, col]
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
                s=10,
                linewidth=0.5,
            )
            ax.scatter(
                *X_test.T,
                c=[colours[label] for label in y_test],
                edgecolor="k",
                marker="^",
                s=10,
                linewidth=0.5,
            )
            ax.set_title(
                f"k = {n_neighbors}, {metric}: {test_accuracy:.2f}", fontsize=8
            )
            ax.set_xlabel("")
            ax.set_ylabel("")

    fig.supxlabel(features[0])
    fig.supylabel(features[1])
    fig.tight_layout()
    # Save to a file instead of plt.show(): a script has no screen to show on.
    save_figure(fig, args.figure)
    print(f"Saved the decision boundaries to {args.figure}")

    # How accurate is each model?
    for n_neighbors, metric, test_accuracy, cv_mean, cv_std in results:
        print(
            f"k = {n_neighbors:2d}  {metric:<10s}  "
            f"test accuracy {test_accuracy:.3f}  "
            f"cross-validated {cv_mean:.3f} +- {cv_std:.3f}"
        )


if __name__ == "__main__":
    main()
