"""Fixtures of the tests of the practice cluster itself: a learner's shell in a fresh code/ folder
(lessontest.cluster_fixtures; tests/on_cluster uses them too)."""

from lessontest.cluster_fixtures import code_dir, shell, slurm  # noqa: F401
