"""Compare several classifiers on the digits images: the whole study, serially.

Run:  python compare_models.py [--results-dir results] [--folds 5] [--models
NAME ...]

Each model is scored with the same stratified k-fold cross-validation over all
1797 digits images, one model after the other. The script writes

    results/models.csv   one row per model: the accuracy's mean and spread
    results/models.png   a bar chart of the mean accuracy, spread as error bars

This is the assignment's starting point: it works, but every model waits for
the one before it.
"""

import argparse
import os
import pathlib
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_score  # noqa: E402
from sklearn.naive_bayes import GaussianNB  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

SEED = 0
MODELS = {
    "decision_tree": lambda: DecisionTreeClassifier(random_state=SEED),
    "knn": lambda: KNeighborsClassifier(n_neighbors=3),
    "logistic_regression": lambda: make_pipeline(
        StandardScaler(), LogisticRegression(max_iter=1000)
    ),
    "naive_bayes": lambda: GaussianNB(),
    "random_forest": lambda: RandomForestClassifier(
        n_estimators=50, random_state=SEED
    ),
    "svm": lambda: SVC(gamma=0.001),
}


# Repeated from the examples' script_io.py on purpose: this starting file
# stays standalone, so that it runs wherever you copy it.
class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is reported on one line (the usage is in
    --help)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def main():
    parser = ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--results-dir",
        default="results",
        help="output folder (default: results)",
    )
    parser.add_argument(
        "--folds",
        type=int,
        default=5,
        help="cross-validation folds (default: 5)",
    )
    parser.add_argument(
        "--models",
        nargs="+",
        default=sorted(MODELS),
        metavar="NAME",
        help=f"models to compare (default: all: {', '.join(sorted(MODELS))})",
    )
    args = parser.parse_args()
    if args.folds < 2:
        parser.error(f"--folds must be at least 2, not {args.folds}")
    unknown = sorted(set(args.models) - set(MODELS))
    if unknown:
        parser.error(
            f"unknown model {unknown[0]!r}; choose "
            f"from {', '.join(sorted(MODELS))}"
        )
    out = pathlib.Path(args.results_dir)
    out.mkdir(parents=True, exist_ok=True)

    digits = load_digits()
    folds = StratifiedKFold(
        n_splits=args.folds, shuffle=True, random_state=SEED
    )
    rows = []
    for name in args.models:
        print(f"cross-validating {name}", flush=True)
        scores = cross_val_score(
            MODELS[name](), digits.data, digits.target, cv=folds
        )
        rows.append((name, scores.mean(), scores.std()))

    table = "model,cv_mean,cv_std\n" + "".join(
        f"{n},{m:.6f},{s:.6f}\n" for n, m, s in rows
    )
    fig, ax = plt.subplots(figsize=(6, 0.5 * len(rows) + 1.5))
    ax.barh(
        [n for n, _, _ in rows],
        [m for _, m, _ in rows],
        xerr=[s for _, _, s in rows],
        color="tab:blue",
    )
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"mean accuracy over {args.folds} folds")
    fig.tight_layout()

    # Write each file under a temporary name first, so a crash never leaves
    # half a file.
    for name, write in [
        ("models.csv", lambda p: pathlib.Path(p).write_text(table)),
        (
            "models.png",
            lambda p: fig.savefig(
                p, format="png", metadata={"Software": None}
            ),
        ),
    ]:
        fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.")
        os.close(fd)
        try:
            write(tmp)
            os.replace(tmp, out / name)
        except BaseException:
            os.unlink(tmp)
            raise
    best = max(rows, key=lambda row: round(row[1], 6))
    print(f"best model: {best[0]} ({best[1]:.3f})")


if __name__ == "__main__":
    try:
        main()
    except OSError as err:
        sys.exit(f"compare_models.py: error: {err}")
