"""Fixtures for the template (code/python/template/, code/slurm/template/) and its worked
example, the wine study (code/python/wine_forest/), as content/your-own-work.md teaches them.

The cluster tests share tests/cluster/'s fixtures (a learner's fresh code/ folder, a shell that
has read site.env, the check that a `site` test's jobs followed the site file). Every batch
script of the template sources code/job-env.sh inside the job, which activates the site file's
virtual environment: `site_venv` makes sure it is there, as the setup page tells learners.
"""

from __future__ import annotations

import os
import pathlib
import pwd

import pytest
import site_files

from cluster.conftest import _jobs_follow_the_site, code_dir, shell, slurm  # noqa: F401
from lessontest.paths import ROOT, VENV_BIN
from lessontest.tree import copy_code
from template.study import WINE, rows, run_study


@pytest.fixture(scope="session")
def wine_serial(tmp_path_factory) -> bytes:
    """The wine study's table from a serial run outside Slurm (one thread per forest)."""
    code = copy_code(tmp_path_factory.mktemp("wine-serial"))
    return run_study(code, WINE, range(rows(code, WINE)))


@pytest.fixture(scope="session")
def site_venv():
    """The site file's virtual environment, which code/job-env.sh activates in every job. Where
    it does not exist (CI and this checkout use .venv), it is made a link to the tests' venv for
    the session, as a learner makes it once (content/setup.md); a real one is left alone."""
    site = site_files.load(ROOT, site_files.selected())
    venv = site["python"]["venv"]
    if not venv:
        yield None
        return
    home = pwd.getpwuid(os.getuid()).pw_dir  # a job started with --export=NONE gets this home
    path = pathlib.Path(venv.replace("~", home, 1) if venv.startswith("~") else venv)
    made = not path.exists() and not path.is_symlink()
    new_folder = not path.parent.exists()
    if made:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(VENV_BIN.parent)
    yield path
    if made:
        path.unlink()
    if new_folder:
        path.parent.rmdir()
