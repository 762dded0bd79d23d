"""Write the configured digits images as PGM files: the workflow's input."""

import pathlib
import re

from sklearn.datasets import load_digits

from imaging import start_log

log = start_log(snakemake)
digits = load_digits()
for path in map(pathlib.Path, snakemake.output):
    label, k = map(int, re.fullmatch(r"digit(\d)_(\d\d)", path.stem).groups())
    image = digits.images[(digits.target == label).nonzero()[0][k]]
    rows = "\n".join(" ".join(str(int(v)) for v in row) for row in image)
    path.write_text(f"P2\n8 8\n16\n{rows}\n")
log.info("wrote %d images", len(snakemake.output))
