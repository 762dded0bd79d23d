"""_config.yml's Sphinx extension list: Jupyter Book 1's own defaults less sphinx_thebe, plus the
lesson's two, each once.

The list replaces Jupyter Book's (it cannot otherwise leave sphinx_thebe out; _config.yml says
why), so this fails when an upgrade of Jupyter Book changes its defaults and the copy goes stale.
"""

from __future__ import annotations

import pathlib

import yaml
from jupyter_book.config import get_default_sphinx_config

ROOT = pathlib.Path(__file__).resolve().parents[2]
LEFT_OUT = ["sphinx_thebe"]
ADDED = ["sphinx_exercise", "lesson"]


def test_the_extension_list_is_jupyter_books_defaults_less_thebe_plus_the_lessons_own():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]
    defaults = get_default_sphinx_config()["extensions"]
    assert set(LEFT_OUT) <= set(defaults), "Jupyter Book no longer loads it: drop it from LEFT_OUT"
    assert config["config"]["extensions"] == [e for e in defaults if e not in LEFT_OUT] + ADDED
    assert "extra_extensions" not in config, "the list above is the only place to add one"
    assert list(config["local_extensions"]) == ["lesson"]
