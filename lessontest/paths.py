"""Where things are: the repository, its pages, the built site (SITE_DIR overrides)."""

from __future__ import annotations

import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
SITE_DIR = pathlib.Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html")).resolve()
# The venv's bin folder: the Python running the tests (the project's venv under `make test`).
VENV_BIN = pathlib.Path(sys.executable).parent
