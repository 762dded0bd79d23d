"""Fixtures of the tests that run the lesson's code and pages on the practice cluster: a learner's
fresh code/ folder, a shell that has read site.env, the check that a `site` test's jobs followed
the site file, the site file's virtual environment (lessontest.cluster_fixtures), and the wine
study's serial table (lessontest.study)."""

from lessontest.cluster_fixtures import (  # noqa: F401
    _jobs_follow_the_site,
    code_dir,
    local_results,
    shell,
    site_venv,
    slurm,
    small_grid,
)
from lessontest.study import wine_serial  # noqa: F401
