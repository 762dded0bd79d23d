"""Write the configured digits images as plain PGM files: the workflow's input files."""

import pathlib
import re

from imaging import start_log
from sklearn.datasets import load_digits

log = start_log(snakemake)
digits = load_digits()
for path in map(pathlib.Path, snakemake.output):
    label, k = map(int, re.fullmatch(r"digit(\d)_(\d\d)", path.stem).groups())
    image = digits.images[(digits.target == label).nonzero()[0][k]]
    rows = "\n".join(" ".join(str(int(v)) for v in row) for row in image)
    path.write_text(f"P2\n8 8\n16\n{rows}\n")
log.info("wrote %d images", len(snakemake.output))
