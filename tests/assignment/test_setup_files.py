"""The files that say how to run the reference workflows elsewhere: Slurm profiles and software.

Submitting to Slurm needs a cluster (tests/on_cluster/); here each profile is loaded by Snakemake
in a dry run, which rejects unknown options and plans the same jobs as a local dry run. The conda
environment files must name the versions the lesson's environment really has.
"""

from importlib import metadata

import pytest
import yaml

from lessontest.assignment import SOLUTIONS, copy_workflow
from lessontest.shell import run
from lessontest.snakemake import job_counts

OPTIONS = ["images", "tuning", "models"]
# The jobs of each teaching configuration: one per image and step, per grid pair, per model.
PLANS = {
    "images": {
        "all": 1,
        "export_digits": 1,
        "resize": 50,
        "normalise": 50,
        "extract_features": 50,
        "summarise": 1,
    },
    "tuning": {"all": 1, "split_data": 1, "cross_validate": 12, "summarise": 1, "refit_best": 1},
    "models": {"all": 1, "evaluate_model": 6, "compare_models": 1},
}


@pytest.mark.parametrize("option", OPTIONS)
def test_dry_runs_plan_the_expected_jobs_locally_and_on_slurm(option, tmp_path):
    workdir = copy_workflow(option, tmp_path)
    profile = yaml.safe_load((workdir / "profiles" / "slurm" / "config.yaml").read_text())
    assert profile["executor"] == "slurm"
    assert profile["jobs"] <= 8
    local = run(["snakemake", "--dry-run"], workdir)
    assert job_counts(local.stdout + local.stderr) == PLANS[option]
    on_slurm = run(["snakemake", "--profile", "profiles/slurm", "--dry-run"], workdir)
    assert job_counts(on_slurm.stdout + on_slurm.stderr) == PLANS[option]


@pytest.mark.parametrize("option", OPTIONS)
def test_environment_file_matches_installed_versions(option):
    env = yaml.safe_load((SOLUTIONS / option / "workflow" / "envs" / "ml.yaml").read_text())
    pins = dict(dep.split("=", 1) for dep in env["dependencies"])
    assert pins.pop("python") == "3.11"
    assert pins == {name: metadata.version(name) for name in pins}
    assert set(pins) == {"scikit-learn", "matplotlib", "numpy"}
