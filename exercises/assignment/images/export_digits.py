"""Write some of scikit-learn's digits images as PGM files, as input.

Run:  python export_digits.py [--output images] [--per-class 5] [--digits 0 1
... 9]

Each file is images/digit<L>_<NN>.pgm: the NN-th image of digit L in the data
set's order, 8 x 8 pixels with intensities 0 to 16, in plain PGM (text) form.
"""

import argparse
import pathlib

from sklearn.datasets import load_digits


# Repeated from the examples' script_io.py on purpose: this starting file
# stays standalone, so that it runs wherever you copy it.
class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is reported on one line (the usage is in
    --help)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def pgm_text(image):
    """A 2-D array of integers 0..16 as the text of a plain PGM file."""
    height, width = image.shape
    rows = "\n".join(" ".join(str(int(v)) for v in row) for row in image)
    return f"P2\n{width} {height}\n16\n{rows}\n"


def main():
    parser = ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--output",
        default="images",
        help="folder for the files (default: images)",
    )
    parser.add_argument(
        "--per-class",
        type=int,
        default=5,
        help="images of each digit (default: 5)",
    )
    parser.add_argument(
        "--digits",
        type=int,
        nargs="+",
        default=list(range(10)),
        help="digits (default: 0-9)",
    )
    args = parser.parse_args()
    bad = [d for d in args.digits if not 0 <= d <= 9]
    if bad:
        parser.error(f"digits are 0 to 9, not {bad[0]}")
    if not 1 <= args.per_class <= 170:
        parser.error(
            f"--per-class must be between 1 and 170, not {args.per_class}"
        )
    digits = load_digits()
    out = pathlib.Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for label in sorted(set(args.digits)):
        for k, index in enumerate(
            (digits.target == label).nonzero()[0][: args.per_class]
        ):
            (out / f"digit{label}_{k:02d}.pgm").write_text(
                pgm_text(digits.images[index])
            )
            count += 1
    print(f"wrote {count} images to {out}/")


if __name__ == "__main__":
    main()
