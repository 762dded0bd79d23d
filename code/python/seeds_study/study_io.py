"""Small helpers shared by the seed study's scripts: one-line errors and atomic writes."""

import argparse
import os
import pathlib
import sys
import tempfile


class InputError(Exception):
    """Bad input from the user: reported as one line, exit status 1."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is reported on one line (the usage is in --help)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def run(main):
    """Call main(); report bad input or a file problem as one line on stderr, exit status 1."""
    try:
        main()
    except (InputError, OSError) as err:
        sys.exit(f"{pathlib.Path(sys.argv[0]).name}: error: {err}")


def write_atomic(path, text):
    """Write text to path via a temporary file in the same folder, so no half-written file is left."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
