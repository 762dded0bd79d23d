"""Fixtures for the site checks: the parsed pages and the built site (SITE_DIR, default _build/html)."""

from __future__ import annotations

import importlib.util
import pathlib
import sys

import pytest


def load_helper(name: str):
    """Import a helper module of this folder by path (pytest runs with --import-mode=importlib)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, pathlib.Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


pagescan = load_helper("site_pagescan")


@pytest.fixture(scope="session")
def pages():
    return pagescan.content_pages()


@pytest.fixture(scope="session")
def site_dir() -> pathlib.Path:
    return pagescan.SITE_DIR
