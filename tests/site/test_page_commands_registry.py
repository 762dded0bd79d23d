"""Every command a page tells learners to type is tied to the test that runs it.

tests/page_commands.yml is the registry: page -> block name -> test module(s). These tests check
it against the pages (every command block is named and listed, every entry names a block that
exists and a test module that exists); lessontest/plugin.py checks, while the tests run, that each
listed module really asked for its blocks (lessontest.pages.command).
"""

from __future__ import annotations

import collections

from lessontest import pages as site
from lessontest.paths import ROOT


def _command_blocks(pages):
    return [b for page in pages for b in page.blocks if site.is_command_block(b)]


def test_every_command_block_is_named_or_site_specific(pages):
    unnamed = [
        f"{b.where}: {b.body.strip().splitlines()[0] if b.body.strip() else '(empty)'}"
        for b in _command_blocks(pages)
        if "name" not in b.options and not site.is_site_specific(b)
    ]
    assert not unnamed, (
        "command blocks a test must run need a stable name (```{code-block} bash + :name: ...)\n"
        "and an entry in tests/page_commands.yml; blocks no test runs are marked\n"
        ":class: site-specific:\n" + "\n".join(unnamed)
    )


def test_block_names_are_unique(pages):
    names = collections.Counter(
        b.options["name"] for b in _command_blocks(pages) if "name" in b.options
    )
    assert not [name for name, count in names.items() if count > 1]


def test_every_named_block_is_in_the_registry_and_every_entry_on_a_page(pages):
    registry = site.registry()
    on_pages = {
        (b.page.name, b.options["name"]): b
        for b in _command_blocks(pages)
        if "name" in b.options and not site.is_site_specific(b)
    }
    unlisted = [f"{b.where}: {key[1]}" for key, b in on_pages.items() if key not in registry]
    gone = [f"{page}#{name}" for page, name in registry if (page, name) not in on_pages]
    assert not unlisted, "command blocks missing from tests/page_commands.yml:\n" + "\n".join(
        unlisted
    )
    assert not gone, "tests/page_commands.yml lists blocks no page has:\n" + "\n".join(gone)


def test_every_entry_names_test_modules_that_ask_for_its_block():
    problems = []
    for (page, name), modules in site.registry().items():
        if not modules:
            problems.append(f"{page}#{name}: no test module")
        for module in modules:
            path = ROOT / module
            if not (path.is_file() and path.name.startswith("test_")):
                problems.append(f"{page}#{name}: {module} is not a test module")
                continue
            conftest = path.with_name("conftest.py")
            sources = [path, conftest] if conftest.is_file() else [path]
            text = "".join(source.read_text(encoding="utf-8") for source in sources)
            # A module names the block, or the page when it runs every block of that page. The
            # plugin checks at run time that it really asks for each block; this catches a stale
            # entry even where that module's tests are skipped (no cluster here).
            if name not in text and page not in text:
                problems.append(f"{page}#{name}: neither {module} nor its conftest names it")
    assert not problems, "\n".join(problems)
