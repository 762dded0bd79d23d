"""Run the commands content/setup.md tells learners to type, as written, on the downloadable archive.

The command strings below are the page's text (tests/site/test_pages.py checks that every command of a
bash block on a page appears in a test), run in a fresh folder with the test's Python on PATH.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("code_archive_for_setup", ROOT / "tools" / "generators" / "code_archive.py")
code_archive = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(code_archive)

UNPACK = [
    "python3 -m zipfile -e parallel-workflows-code.zip .",
    "cd parallel-workflows-code/code",
]
CHECK = [
    "python python/scikit_example/preprocess.py",
    "python python/scikit_example/train_one.py --n_neighbors 4 --metric euclidean",
    "snakemake --version",
]


def _bash(commands: list[str], cwd: pathlib.Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    # `python`, `python3` and `snakemake` are the lesson's environment, as after `source .../activate`.
    env["PATH"] = f"{pathlib.Path(sys.executable).parent}:{env.get('PATH', '')}"
    script = "set -euo pipefail\n" + "\n".join(commands) + "\n"
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_setup_page_commands_work_on_the_archive(tmp_path):
    code_archive.write_archive(ROOT, tmp_path / "parallel-workflows-code.zip")
    proc = _bash([*UNPACK, *CHECK], tmp_path)
    assert proc.returncode == 0, f"setup commands failed:\n{proc.stdout}\n{proc.stderr}"
    code = tmp_path / "parallel-workflows-code" / "code"
    split = json.loads((code / "data" / "iris_split.json").read_text())
    assert split, "the split file is empty"
    result = json.loads((code / "results" / "knn_k04_euclidean.json").read_text())
    assert (result["n_neighbors"], result["metric"]) == (4, "euclidean")
    assert 0.0 < result["test_accuracy"] <= 1.0 and 0.0 < result["cv_accuracy_mean"] <= 1.0
    assert (code / "results" / "knn_k04_euclidean.png").read_bytes().startswith(b"\x89PNG")
    assert proc.stdout.strip().splitlines()[-1] == _pinned("snakemake"), "the page says the version printed"


def _pinned(package: str) -> str:
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        name, _, version = line.split("#")[0].strip().partition("==")
        if re.sub(r"\[.*\]", "", name).lower() == package.lower():
            return version
    raise AssertionError(f"{package} is not pinned in requirements.txt")


def test_setup_page_says_what_the_check_prints():
    text = (ROOT / "content" / "setup.md").read_text(encoding="utf-8")
    assert f"prints `{_pinned('snakemake')}`" in text


def test_setup_page_pins_match_requirements():
    text = (ROOT / "content" / "setup.md").read_text(encoding="utf-8")
    pins = re.findall(r"\b([A-Za-z][\w.-]*)==([\w.]+)", text)
    assert pins, "the setup page installs no pinned packages"
    wrong = [f"{name}=={version} (requirements.txt: {_pinned(name)})" for name, version in pins if _pinned(name) != version]
    assert not wrong, "setup.md pins differ from requirements.txt: " + ", ".join(wrong)
