"""The cluster suite's fixtures: lessontest.cluster_fixtures (shared with tests/template/)."""

from lessontest.cluster_fixtures import (  # noqa: F401
    _jobs_follow_the_site,
    code_dir,
    local_results,
    shell,
    site_venv,
    slurm,
    small_grid,
)
