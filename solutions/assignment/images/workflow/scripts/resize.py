"""Step 1 for one image: read the PGM file and resize it (bilinear)."""

import numpy as np

from imaging import fail, read_pgm, resize, start_log

log = start_log(snakemake)
try:
    image = read_pgm(snakemake.input[0])
except ValueError as err:
    fail(log, err)
np.save(snakemake.output[0], resize(image, snakemake.params.size))
log.info(
    "%s: %s -> %d x %d",
    snakemake.wildcards.image,
    image.shape,
    snakemake.params.size,
    snakemake.params.size,
)
