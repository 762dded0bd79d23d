"""The setup page's site settings on the practice cluster: `source site.env`, then the site check,
which finds nothing wrong with the practice site (the strict site's check:
tests/on_cluster/test_instructor_guide.py)."""

from __future__ import annotations

import pytest

from lessontest.pages import command
from lessontest.shell import learner_env, run
from lessontest.tree import copy_code

pytestmark = pytest.mark.slurm


def test_the_practice_site_passes_its_check(tmp_path):
    code = copy_code(tmp_path)
    proc = run(
        command("setup.md", "site-env") + command("setup.md", "site-check"), code, env=learner_env()
    )
    lines = proc.stdout.splitlines()
    assert lines[-1] == "The lesson's jobs fit this cluster.", proc.stdout
    assert not [line for line in lines if line.startswith("problem:")]
    assert (
        "ok: account your default (where a cluster wants every job to name one, "
        "set SBATCH_ACCOUNT in site.env)"
    ) in lines
    assert any(line.startswith("ok: partition ") for line in lines), lines
