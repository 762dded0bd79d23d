"""Fixtures for the site checks: the parsed pages and the built site.

The built site is SITE_DIR, default _build/html.
"""

from __future__ import annotations

import pytest

from lessontest import pages as pagescan
from lessontest.paths import SITE_DIR


@pytest.fixture(scope="session")
def pages():
    return pagescan.content_pages()


@pytest.fixture(scope="session")
def site_dir():
    return SITE_DIR
