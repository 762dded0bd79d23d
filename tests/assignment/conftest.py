"""The assignment's shared run of its page (content/assignment.md).

Every workflow runs in a copy under pytest's tmp_path, never in solutions/ itself, so tests
never leave results/, logs/ or .snakemake/ behind in the repository and can run side by side.
"""

from __future__ import annotations

import pytest

from lessontest.pages import command, command_blocks, is_site_specific
from lessontest.shell import run
from lessontest.tree import copy_lesson

PAGE = "assignment.md"


@pytest.fixture(scope="session")
def page_runs(tmp_path_factory):
    """Every command block of the page (blocks marked site-specific are not run), run once as the
    page shows it, in page order, in one learner's copy of exercises/ and solutions/.

    The copy is laid out like the repository (exercises/assignment/, solutions/assignment/), so the
    page's `cd` lines work. Each block runs with `bash -euo pipefail`. Returns the copy's root and
    {block name: (block, CompletedProcess)}. Other tests reuse these runs' outputs instead of
    running the same workflows again (assignment_helpers.page_run).
    """
    base = copy_lesson(tmp_path_factory.mktemp("page"), folders=("exercises", "solutions"))
    runs = {}
    for (page, name), block in command_blocks().items():
        if page == PAGE and not is_site_specific(block):
            text = command(PAGE, name)
            runs[name] = (text, run(text, base, check=False))
    return base, runs
