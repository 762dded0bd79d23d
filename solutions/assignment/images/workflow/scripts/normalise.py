"""Step 2 for one image: stretch its intensities to 0..1."""

import numpy as np

from imaging import fail, normalise, start_log

log = start_log(snakemake)
image = np.load(snakemake.input[0])
try:
    np.save(snakemake.output[0], normalise(image))
except ValueError as err:
    fail(log, f"{snakemake.wildcards.image}: {err}")
log.info(
    "%s: intensities %g..%g -> 0..1",
    snakemake.wildcards.image,
    image.min(),
    image.max(),
)
