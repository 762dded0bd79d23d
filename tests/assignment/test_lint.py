"""`snakemake --lint` is clean for every reference workflow (the issue's definition of done)."""

import pytest


@pytest.mark.parametrize("option", ["images", "tuning", "models"])
def test_lint_is_clean(option, helpers):
    proc = helpers.snakemake(helpers.SOLUTIONS / option, "--lint")
    assert "Congratulations, your workflow is in a good condition!" in proc.stdout + proc.stderr
