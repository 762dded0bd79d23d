"""The assignment's reference workflows on the real cluster, each with its own Slurm profile.

Each solution runs twice in fresh copies: once locally (`--cores 2`) and once through Slurm with the
command its README gives (`snakemake --profile profiles/slurm`, here with the small test config so the
suite stays short). The Slurm run must produce the same result files, byte for byte, and every job
Snakemake says it submitted must appear in Slurm's accounting as COMPLETED, run in that copy.
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.slurm

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions" / "assignment"
SMALL = ".test/config_small/config.yaml"
SUBMITTED = re.compile(r"has been submitted with SLURM jobid (\d+)")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{pathlib.Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("SLURM_CONF", None)  # find /etc/slurm/slurm.conf, as on a real cluster
    return env


def _snakemake(cwd: pathlib.Path, *args: str, timeout: int = 900) -> str:
    cmd = ["snakemake", *args]
    proc = subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout)
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed ({proc.returncode}) in {cwd}:\n{output[-4000:]}")
    return output


def _copy(option: str, dest: pathlib.Path) -> pathlib.Path:
    ignore = shutil.ignore_patterns(".snakemake", "results", "logs", "benchmarks", "__pycache__")
    shutil.copytree(SOLUTIONS / option, dest, ignore=ignore)
    return dest


def _results(folder: pathlib.Path) -> dict[str, bytes]:
    base = folder / "results"
    return {str(p.relative_to(base)): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}


@pytest.mark.timeout(1500)
@pytest.mark.parametrize("option", ["images", "tuning", "models"])
def test_solution_on_slurm_gives_the_local_results(option, tmp_path):
    local = _copy(option, tmp_path / "local")
    _snakemake(local, "--cores", "2", "--configfile", SMALL)
    expected = _results(local)
    assert expected, f"the local run of {option} produced no result files"

    on_slurm = _copy(option, tmp_path / "slurm")
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 1))
    output = _snakemake(on_slurm, "--profile", "profiles/slurm", "--configfile", SMALL)

    produced = _results(on_slurm)
    assert sorted(produced) == sorted(expected)
    differing = [name for name in expected if produced[name] != expected[name]]
    assert not differing, f"{option}: Slurm and local runs differ in {differing}"

    submitted = set(SUBMITTED.findall(output))
    assert submitted, f"{option}: Snakemake submitted nothing to Slurm:\n{output[-3000:]}"
    acct = subprocess.run(
        ["sacct", "--noheader", "--parsable2", "--allocations", f"--starttime={since}",
         "--format=JobID,State,WorkDir"],
        env=_env(), capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    ours = {job: state for job, state, workdir in (line.split("|") for line in acct.splitlines())
            if workdir == str(on_slurm)}
    assert set(ours) == submitted, (acct, sorted(submitted))
    assert set(ours.values()) == {"COMPLETED"}, acct
