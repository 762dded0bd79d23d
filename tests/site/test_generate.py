"""lessontest.generate remakes a product only when it is stale: an output is missing or older than
an input, or, for a product made for one site, the site changed since the last build."""

from __future__ import annotations

import os
import pathlib
import types

from lessontest import generate


def product(tmp_path, key=None):
    source = tmp_path / "generator.py"
    source.write_text("")
    out = tmp_path / "out.txt"
    out.write_text("made")
    os.utime(source, (1_000_000, 1_000_000))  # older than the output
    module = types.SimpleNamespace(INPUTS=[], OUTPUTS=[str(out)])
    if key is not None:
        module.key = lambda: key
    return module, source


def test_an_up_to_date_product_is_not_made_again(tmp_path):
    module, source = product(tmp_path)
    assert not generate.is_stale(module, source)
    (tmp_path / "out.txt").unlink()
    assert generate.is_stale(module, source)


def test_a_product_made_for_another_site_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setattr(generate, "KEYS", tmp_path / "keys")
    module, source = product(tmp_path, key="practice")
    assert generate.is_stale(module, source), "no key kept yet: made again"
    generate.KEYS.mkdir()
    (generate.KEYS / source.stem).write_text("practice")
    assert not generate.is_stale(module, source)
    module.key = lambda: "practice-strict"
    assert generate.is_stale(module, source)


def test_every_generator_module_is_made():
    """A module added to lessontest/generators/ but not to GENERATORS would never run."""
    folder = pathlib.Path(generate.__file__).parent / "generators"
    modules = {path.stem for path in folder.glob("*.py")} - {"__init__"}
    assert modules == {module.__name__.rsplit(".", 1)[1] for module in generate.GENERATORS}
