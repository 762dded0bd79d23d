"""Gather the fold scores into models.csv and a bar chart, models.png."""

import json
import logging
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.stderr = open(snakemake.log[0], "w")
logging.basicConfig(
    stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(message)s"
)

names, means, stds = [], [], []
for path in snakemake.input:  # in the order of the config's compare list
    with open(path) as stream:
        result = json.load(stream)
    scores = np.array(result["scores"])
    names.append(result["model"])
    means.append(scores.mean())
    stds.append(scores.std())
    logging.info("%s: %.4f +- %.4f", names[-1], means[-1], stds[-1])

with open(snakemake.output.table, "w") as out:
    out.write("model,cv_mean,cv_std\n")
    out.writelines(
        f"{n},{m:.6f},{s:.6f}\n"
        for n, m, s in zip(names, means, stds, strict=True)
    )

fig, ax = plt.subplots(figsize=(6, 0.5 * len(names) + 1.5))
ax.barh(names, means, xerr=stds, color="tab:blue")
ax.invert_yaxis()
ax.set_xlim(0, 1)
ax.set_xlabel(f"mean accuracy over {snakemake.params.folds} folds")
fig.tight_layout()
fig.savefig(snakemake.output.figure, metadata={"Software": None})
