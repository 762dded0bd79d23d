"""Small helpers that the three steps of the scatter/gather example share.

Every step reports bad input as one line on stderr and exits with status 1, and writes each output
file under a temporary name in the target folder first, renaming it into place only when it is
complete. A step that fails therefore never leaves a half-written output behind, so a workflow
manager never mistakes one for a finished result.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import sys
import tempfile


_UMASK = os.umask(0)
os.umask(_UMASK)


class StepError(Exception):
    """A problem with a step's input or options, reported to the user as one line."""


def run_main(main) -> None:
    """Run ``main()`` and turn a StepError into a one-line message and exit status 1."""
    try:
        main()
    except StepError as err:
        print(f"{pathlib.Path(sys.argv[0]).name}: error: {err}", file=sys.stderr)
        sys.exit(1)


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp_name, 0o666 & ~_UMASK)  # mkstemp makes private files; use the usual mode
        os.replace(tmp_name, path)
    except BaseException:
        pathlib.Path(tmp_name).unlink(missing_ok=True)
        raise


def json_bytes(obj) -> bytes:
    """Serialise ``obj`` the same way every time: sorted keys, fixed separators, final newline."""
    return (json.dumps(obj, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def read_json(path: str | os.PathLike, what: str) -> dict:
    """Load a JSON object from ``path``; ``what`` names the file in error messages."""
    path = pathlib.Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StepError(f"{what} '{path}' does not exist") from None
    except OSError as err:
        raise StepError(f"cannot read {what} '{path}': {err.strerror}") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        raise StepError(f"{what} '{path}' is not valid JSON (line {err.lineno}: {err.msg})") from None
    if not isinstance(obj, dict):
        raise StepError(f"{what} '{path}' should hold a JSON object")
    return obj


def sha256_of(path: str | os.PathLike) -> str:
    """The SHA-256 checksum of a file, as hex. Results record it to show which data they came from."""
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()
