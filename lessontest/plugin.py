"""The pytest side of the page-to-test registry (tests/page_commands.yml).

The registry names, for every command block of every page, the test module(s) that run it. While
the tests run, `lessontest.pages.command()` records which module asked for which block. When a test
module has finished and every one of its tests passed (none failed, was skipped or deselected),
every block the registry gives it must have been asked for by it; otherwise its last test errors
with the blocks it did not run. The registry's own test (tests/site/test_page_commands_registry.py)
checks the other direction: every block has an entry, every entry a block and a module.
"""

from __future__ import annotations

import pytest

from lessontest import pages

# Test modules of this run that are not complete (a test failed, was skipped or deselected):
# their blocks are not checked, since the test that runs a block may not have run.
_incomplete: set[str] = set()


def _module_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    pages.current_module = _module_of(item.nodeid)
    try:
        yield
    finally:
        pages.current_module = None


def pytest_runtest_logreport(report):
    if report.outcome != "passed":
        _incomplete.add(_module_of(report.nodeid))


def pytest_deselected(items):
    _incomplete.update(_module_of(item.nodeid) for item in items)


@pytest.fixture(scope="module", autouse=True)
def _module_ran_its_registered_blocks(request):
    yield
    module = _module_of(request.node.nodeid)
    if module in _incomplete:
        return
    expected = {key for key, modules in pages.registry().items() if module in modules}
    missing = sorted(expected - pages.used.get(module, set()))
    if missing:
        pytest.fail(
            f"tests/page_commands.yml says {module} runs these page blocks, but it did not ask "
            "for them with lessontest.pages.command(): "
            + ", ".join(f"{page}#{name}" for page, name in missing)
        )
