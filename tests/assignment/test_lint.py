"""`snakemake --lint` is clean for every reference workflow (the issue's definition of done)."""

import pytest

from lessontest.assignment import copy_workflow
from lessontest.shell import run


@pytest.mark.parametrize("option", ["images", "tuning", "models"])
def test_lint_is_clean(option, tmp_path):
    proc = run(["snakemake", "--lint"], copy_workflow(option, tmp_path))
    assert "Congratulations, your workflow is in a good condition!" in proc.stdout + proc.stderr
