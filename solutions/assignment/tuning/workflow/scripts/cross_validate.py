"""Cross-validate one (C, gamma) pair of the SVM on the training images."""

import time

from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.svm import SVC

from digits import load_split, logged, write_json

with logged(snakemake.log[0]) as log:
    c, gamma = float(snakemake.wildcards.C), float(snakemake.wildcards.gamma)
    if snakemake.params.pause_seconds:
        log.info("fault drill: pausing %s s", snakemake.params.pause_seconds)
        time.sleep(snakemake.params.pause_seconds)
    x_train, _, y_train, _ = load_split(snakemake.input[0])
    folds = StratifiedKFold(
        n_splits=snakemake.params.folds,
        shuffle=True,
        random_state=snakemake.params.seed,
    )
    log.info("C=%g gamma=%g: %d folds", c, gamma, snakemake.params.folds)
    scores = cross_val_score(SVC(C=c, gamma=gamma), x_train, y_train, cv=folds)
    log.info("fold accuracies: %s", " ".join(f"{s:.4f}" for s in scores))
    write_json(
        snakemake.output[0],
        {
            "C": c,
            "gamma": gamma,
            "cv_mean": scores.mean(),
            "cv_std": scores.std(),
        },
    )
