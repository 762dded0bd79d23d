"""Fixtures for the tests that submit the lesson's files to a real Slurm cluster (the conftest.py
of tests/on_cluster/ and tests/template/ import them).

Every test works in a fresh copy of the code/ tree (never in the repository), runs the commands the
pages show from inside that copy (lessontest.pages.command), in a learner's shell with the project's
virtual environment first on PATH so that the jobs find the same Python, and waits on the real
scheduler. A job submitted with --export=NONE finds Python through code/job-env.sh instead, in
the site file's virtual environment (the `site_venv` fixture).
"""

from __future__ import annotations

import os
import pathlib
import pwd

import pytest

from lessontest.generators import site_files
from lessontest.paths import ROOT, VENV_BIN
from lessontest.shared import serial_reference, shrink_grid
from lessontest.slurm import Shell, Slurm, now_for_sacct, settings_of_jobs
from lessontest.tree import copy_code, tree_bytes


@pytest.fixture
def code_dir(tmp_path) -> pathlib.Path:
    """A learner's fresh code/ folder, where the commands run."""
    return copy_code(tmp_path)


@pytest.fixture
def shell(code_dir) -> Shell:
    return Shell(code_dir)


@pytest.fixture
def slurm(shell) -> Slurm:
    return Slurm(shell)


@pytest.fixture(scope="session")
def local_results(tmp_path_factory) -> dict[str, bytes]:
    """The result files of the plain serial run on this machine (no Slurm): the reference."""
    return tree_bytes(serial_reference(tmp_path_factory) / "results")


@pytest.fixture
def small_grid(code_dir, tmp_path_factory) -> dict[str, bytes]:
    """Shrink the grid of code_dir to lessontest.shared.SMALL_GRID (for the tests that start one
    Slurm job per combination); returns the result files of the serial run over that grid."""
    shrink_grid(code_dir)
    return tree_bytes(serial_reference(tmp_path_factory, small=True) / "results")


@pytest.fixture(autouse=True)
def _jobs_follow_the_site(request):
    """For the tests marked `site` (run again by make test-strict-site on the strict practice
    cluster): every job the test ran in its code/ folder was charged to the site's account, in
    its partition, QOS and reservation, as the site.env of that folder said."""
    if request.node.get_closest_marker("site") is None:
        yield
        return
    code = request.getfixturevalue("code_dir")
    since = now_for_sacct()
    yield
    ours = settings_of_jobs(code, since)
    assert ours, f"no job ran in {code}"
    site = site_files.load(ROOT, site_files.selected())
    wanted = {k: v for k, v in site["slurm"].items() if v is not None}
    for job in ours:
        assert {k: job[k] for k in wanted} == wanted, ours


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
