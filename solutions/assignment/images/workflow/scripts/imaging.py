"""The image steps, out of the serial script: each rule's script stays tiny."""

import logging
import pathlib
import sys

import numpy as np

FEATURES = [
    "ink",
    "coverage",
    "centre_row",
    "centre_col",
    "symmetry_lr",
    "symmetry_tb",
]


def start_log(snakemake):
    """Send stderr and log messages to the rule's log file (Snakemake keeps it
    if the job fails)."""
    sys.stderr = open(snakemake.log[0], "w")
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(levelname)s %(message)s",
    )
    return logging.getLogger(snakemake.rule)


def fail(log, message):
    """End the job with one clear line in its log and a non-zero exit
    status."""
    log.error("%s", message)
    sys.exit(1)


def read_pgm(path):
    """A plain (P2) PGM file as a 2-D array of integers; anything else raises
    ValueError."""
    words = pathlib.Path(path).read_text().split()
    if len(words) < 4 or words[0] != "P2":
        raise ValueError(
            f"{path}: not a plain PGM image (it must start with 'P2')"
        )
    width, height = int(words[1]), int(words[2])
    pixels = np.array(words[4:], dtype=int)
    if pixels.size != width * height:
        raise ValueError(
            f"{path}: expected {width * height} pixels, found {pixels.size}"
        )
    return pixels.reshape(height, width)


def _axis(n, size):
    pos = np.linspace(0, n - 1, size)
    low = np.floor(pos).astype(int)
    return low, np.minimum(low + 1, n - 1), pos - low


def resize(image, size):
    """Bilinear interpolation onto a size x size grid spanning the same
    area."""
    r0, r1, fr = _axis(image.shape[0], size)
    c0, c1, fc = _axis(image.shape[1], size)
    top = image[r0][:, c0] * (1 - fc) + image[r0][:, c1] * fc
    bottom = image[r1][:, c0] * (1 - fc) + image[r1][:, c1] * fc
    return top * (1 - fr[:, None]) + bottom * fr[:, None]


def normalise(image):
    """Stretch the intensities to 0..1; a blank image raises ValueError."""
    low, high = image.min(), image.max()
    if high == low:
        raise ValueError(f"the image is blank (every pixel is {low:g})")
    return (image - low) / (high - low)


def features(image):
    """Shape features of a normalised image, each between 0 and 1."""
    rows, cols = np.indices(image.shape)
    total = image.sum()
    return {
        "ink": image.mean(),
        "coverage": (image > 0.5).mean(),
        "centre_row": (rows * image).sum() / total / (image.shape[0] - 1),
        "centre_col": (cols * image).sum() / total / (image.shape[1] - 1),
        "symmetry_lr": 1 - np.abs(image - image[:, ::-1]).mean(),
        "symmetry_tb": 1 - np.abs(image - image[::-1, :]).mean(),
    }
