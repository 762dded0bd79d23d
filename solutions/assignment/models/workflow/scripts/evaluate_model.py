"""Cross-validate one model, as its config entry describes, on all images."""

import json
import logging
import sys

from sklearn import ensemble, linear_model, naive_bayes, neighbors, svm, tree
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ESTIMATORS = {
    cls.__name__: cls
    for cls in [
        tree.DecisionTreeClassifier,
        naive_bayes.GaussianNB,
        neighbors.KNeighborsClassifier,
        linear_model.LogisticRegression,
        ensemble.RandomForestClassifier,
        svm.SVC,
    ]
}


def build(name, spec, threads):
    """The estimator the spec describes; a parameter the estimator lacks is a
    clear error."""
    cls = ESTIMATORS[spec["estimator"]]
    params = dict(spec.get("params", {}))
    valid = cls().get_params()
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ValueError(
            f"model {name!r}: {cls.__name__} has no parameter {unknown[0]!r} "
            f"(valid: {', '.join(sorted(valid))})"
        )
    if "n_jobs" in valid:
        params["n_jobs"] = (
            threads  # use exactly the cores Snakemake gave this job
        )
    model = cls(**params)
    return (
        make_pipeline(StandardScaler(), model)
        if spec.get("scale", False)
        else model
    )


sys.stderr = open(snakemake.log[0], "w")
logging.basicConfig(
    stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(message)s"
)
name = snakemake.wildcards.model
try:
    model = build(name, snakemake.params.spec, snakemake.threads)
except ValueError as err:
    logging.error("%s", err)
    sys.exit(1)
logging.info("%s on %d core(s): %s", name, snakemake.threads, model)
digits = load_digits()
folds = StratifiedKFold(
    n_splits=snakemake.params.folds,
    shuffle=True,
    random_state=snakemake.params.seed,
)
scores = cross_val_score(model, digits.data, digits.target, cv=folds)
logging.info("fold accuracies: %s", " ".join(f"{s:.4f}" for s in scores))
with open(snakemake.output[0], "w") as out:
    json.dump({"model": name, "scores": scores.tolist()}, out, indent=2)
    out.write("\n")
