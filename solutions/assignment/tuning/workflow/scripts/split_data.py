"""Choose which digits images are for training and which are held out."""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from digits import logged, write_json

with logged(snakemake.log[0]) as log:
    target = load_digits().target
    train, test = train_test_split(
        np.arange(len(target)),
        test_size=snakemake.params.test_size,
        stratify=target,
        random_state=snakemake.params.seed,
    )
    write_json(
        snakemake.output[0], {"train": train.tolist(), "test": test.tolist()}
    )
    log.info("%d training and %d test images", len(train), len(test))
