"""Step 3 for one image: its shape features, as JSON."""

import json

import numpy as np

from imaging import features, start_log

log = start_log(snakemake)
values = {
    name: float(value)
    for name, value in features(np.load(snakemake.input[0])).items()
}
with open(snakemake.output[0], "w") as out:
    json.dump(values, out, indent=2, sort_keys=True)
    out.write("\n")
log.info("%s: %s", snakemake.wildcards.image, values)
