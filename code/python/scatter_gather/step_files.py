"""The JSON files that the three steps of the scatter/gather example pass on.

Each step writes its output with json_bytes(), so the same content always
gives the same bytes, and reads its inputs with read_json(), which names the
file in one clear line when it is missing or malformed. Writing safely and
reporting errors is in script_io.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib

from script_io import InputError


def json_bytes(obj) -> bytes:
    """Serialise ``obj`` the same way every time: sorted keys, fixed
    separators, final newline."""
    return (
        json.dumps(obj, sort_keys=True, separators=(",", ":")) + "\n"
    ).encode("utf-8")


def read_json(path: str | os.PathLike, what: str) -> dict:
    """Load a JSON object from ``path``; ``what`` names the file in error
    messages."""
    path = pathlib.Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{what} '{path}' does not exist") from None
    except OSError as err:
        raise InputError(
            f"cannot read {what} '{path}': {err.strerror}"
        ) from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(
            f"{what} '{path}' is not valid JSON (line {err.lineno}: {err.msg})"
        ) from None
    if not isinstance(obj, dict):
        raise InputError(f"{what} '{path}' should hold a JSON object")
    return obj


def sha256_of(path: str | os.PathLike) -> str:
    """The SHA-256 checksum of a file, as hex. Results record it to show which
    data they came from."""
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()
