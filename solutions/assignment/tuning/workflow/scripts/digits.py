"""Helpers the tuning scripts share: logging to the rule's log, the split."""

import contextlib
import json
import logging
import sys

from sklearn.datasets import load_digits


@contextlib.contextmanager
def logged(log_path):
    """Send log messages and stray stderr to the rule's log file; log any
    error as one clear line.

    Snakemake keeps the log file of a failed job, so the reason for the failure
    stays on disk.
    """
    with open(log_path, "w") as stream:
        sys.stderr = stream
        logging.basicConfig(
            stream=stream,
            level=logging.INFO,
            format="%(levelname)s %(message)s",
        )
        try:
            yield logging.getLogger()
        except Exception as err:
            logging.exception("error: %s", err)
            sys.exit(1)


def write_json(path, data):
    with open(path, "w") as out:
        out.write(json.dumps(data, indent=2, sort_keys=True) + "\n")


def load_split(path):
    """The digits data cut as the split file says: x_train, x_test, y_train,
    y_test."""
    with open(path) as stream:
        split = json.load(stream)
    digits = load_digits()
    train, test = split["train"], split["test"]
    return (
        digits.data[train],
        digits.data[test],
        digits.target[train],
        digits.target[test],
    )
