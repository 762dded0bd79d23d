"""Gather: features.csv, per-digit means (summary.csv), mean images."""

import collections
import json
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from imaging import FEATURES, start_log  # noqa: E402

log = start_log(snakemake)
rows, by_label = [], collections.defaultdict(list)
# The inputs are in sorted image order, the same order as the monolithic
# script's.
for feature_file, image_file in zip(
    snakemake.input.features, snakemake.input.images, strict=True
):
    name = pathlib.Path(feature_file).stem
    label = int(name[len("digit")])
    rows.append(
        (name, label, json.loads(pathlib.Path(feature_file).read_text()))
    )
    by_label[label].append(np.load(image_file))

with open(snakemake.output.features, "w") as out:
    out.write("image,label," + ",".join(FEATURES) + "\n")
    for name, label, values in rows:
        out.write(
            f"{name},{label},"
            + ",".join(f"{values[k]:.6f}" for k in FEATURES)
            + "\n"
        )

labels = sorted(by_label)
with open(snakemake.output.summary, "w") as out:
    out.write("label,images," + ",".join(FEATURES) + "\n")
    for label in labels:
        group = [values for _, lab, values in rows if lab == label]
        means = [np.mean([v[k] for v in group]) for k in FEATURES]
        out.write(
            f"{label},{len(group)},"
            + ",".join(f"{m:.6f}" for m in means)
            + "\n"
        )
log.info("%d images of %d digits", len(rows), len(labels))

fig, axes = plt.subplots(
    1, len(labels), figsize=(1.2 * len(labels), 1.6), squeeze=False
)
for ax, label in zip(axes[0], labels, strict=True):
    ax.imshow(np.mean(by_label[label], axis=0), cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(str(label))
    ax.axis("off")
fig.tight_layout()
fig.savefig(snakemake.output.figure, metadata={"Software": None})
