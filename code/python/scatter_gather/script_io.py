"""Helpers every script of this example shares: one-line errors, safe writes.

Every bad input (a wrong option, a missing or malformed file) is reported as
ONE line on stderr that names the problem, with a non-zero exit status, and no
output file is ever left half-written.

The lesson's three example trees (python/scikit_example/,
python/scatter_gather/ and python/seeds_study/) each hold an identical copy of
this file, so that each tree runs on its own when you copy it: a script finds
this module next to it. A test checks that the copies stay byte-identical, so
change all three together.
"""

import argparse
import os
import pathlib
import sys
import tempfile


class InputError(Exception):
    """Bad input from the user: reported as one line, without a traceback."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (the usage is in --help)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def run(main):
    """Call main(); report bad input or a file problem as one line, exit 1."""
    try:
        main()
    except (InputError, OSError) as err:
        name = pathlib.Path(sys.argv[0]).name
        # Through sys.stderr (not sys.exit(message)), so that a caller that
        # redirects sys.stderr, such as a test running main() in-process, gets
        # the line too.
        print(f"{name}: error: {err}", file=sys.stderr)
        sys.exit(1)


def write_atomic(path, data):
    """Write data (bytes, or str as UTF-8) to path; never leave half a file.

    The data go to a temporary file in the same folder, which is then renamed
    over the target: a rename within one folder is atomic, so readers see
    either the old file or the new one.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = pathlib.Path(path)
    for folder in (path.parent, *path.parent.parents):
        if folder.exists() and not folder.is_dir():
            raise InputError(
                f"cannot write {path}: {folder} exists but is a file, "
                "not a folder"
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)  # the only way to read the umask is to set it ...
        os.umask(umask)  # ... so put it back at once
        # mkstemp made the file private (0600): give it the usual permissions
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
