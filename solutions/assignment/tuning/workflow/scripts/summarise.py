"""Gather the per-pair results into tuning.csv and a heat map, tuning.png."""

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from digits import logged  # noqa: E402

with logged(snakemake.log[0]) as log:
    results = []
    for path in snakemake.input:
        with open(path) as stream:
            results.append(json.load(stream))
    with open(snakemake.output.table, "w") as out:
        out.write("C,gamma,cv_mean,cv_std\n")
        for r in results:
            out.write(
                f"{r['C']:g},{r['gamma']:g},{r['cv_mean']:.6f},{r['cv_std']:.6f}\n"
            )
    log.info("wrote %d rows", len(results))

    c_values, gamma_values = (
        snakemake.params.c_values,
        snakemake.params.gamma_values,
    )
    # The inputs come in grid order (C outer, gamma inner), so they fill the
    # grid row by row.
    grid = np.array([r["cv_mean"] for r in results]).reshape(
        len(c_values), len(gamma_values)
    )
    fig, ax = plt.subplots(figsize=(5, 4))
    image = ax.imshow(grid, cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(len(gamma_values)), [f"{g:g}" for g in gamma_values])
    ax.set_yticks(range(len(c_values)), [f"{c:g}" for c in c_values])
    ax.set_xlabel("gamma")
    ax.set_ylabel("C")
    for (i, j), value in np.ndenumerate(grid):
        ax.text(j, i, f"{value:.3f}", ha="center", va="center", color="white")
    fig.colorbar(image, label="mean cross-validated accuracy")
    fig.tight_layout()
    fig.savefig(snakemake.output.figure, metadata={"Software": None})
