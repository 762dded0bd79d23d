"""Refit the best pair on all training images; score it on the test images."""

import csv

from sklearn.svm import SVC

from digits import load_split, logged, write_json

with logged(snakemake.log[0]) as log:
    with open(snakemake.input.table, newline="") as stream:
        rows = list(csv.DictReader(stream))
    # Highest mean accuracy wins; on a tie, the first row (grid order) wins.
    best = max(rows, key=lambda row: float(row["cv_mean"]))
    c, gamma = float(best["C"]), float(best["gamma"])
    x_train, x_test, y_train, y_test = load_split(snakemake.input.split)
    model = SVC(C=c, gamma=gamma).fit(x_train, y_train)
    accuracy = model.score(x_test, y_test)
    log.info("best pair C=%g gamma=%g, test accuracy %.4f", c, gamma, accuracy)
    write_json(
        snakemake.output[0],
        {
            "C": c,
            "gamma": gamma,
            "cv_mean": float(best["cv_mean"]),
            "test_accuracy": round(accuracy, 6),
        },
    )
