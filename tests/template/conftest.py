"""Fixtures for the template (code/python/template/, code/slurm/template/) and its worked
example, the wine study (code/python/wine_forest/), as content/your-own-work.md teaches them:
`wine_serial`, the wine study's table from a serial run outside Slurm (lessontest.study; the
cluster test in tests/on_cluster/ compares with it too)."""

from lessontest.study import wine_serial  # noqa: F401
