"""Fixtures for the template (code/python/template/, code/slurm/template/) and its worked
example, the wine study (code/python/wine_forest/), as content/your-own-work.md teaches them.

The cluster tests share tests/cluster/'s fixtures, lessontest.cluster_fixtures: a learner's
fresh code/ folder, a shell that has read site.env, the check that a `site` test's jobs followed
the site file, and `site_venv`: the site file's virtual environment, which code/job-env.sh
activates in every batch script of the template when the job did not get the submitting shell's.
"""

from __future__ import annotations

import pytest

from lessontest.cluster_fixtures import (  # noqa: F401
    _jobs_follow_the_site,
    code_dir,
    shell,
    site_venv,
    slurm,
)
from lessontest.study import WINE, rows, run_study
from lessontest.tree import copy_code


@pytest.fixture(scope="session")
def wine_serial(tmp_path_factory) -> bytes:
    """The wine study's table from a serial run outside Slurm (one thread per forest)."""
    code = copy_code(tmp_path_factory.mktemp("wine-serial"))
    return run_study(code, WINE, range(rows(code, WINE)))
