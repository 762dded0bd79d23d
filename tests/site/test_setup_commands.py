"""Run the commands content/setup.md tells learners to type, as written, on the download archive.

The page's blocks `setup-unzip` and `setup-first-run` are read from the page and run one after the
other in one shell, in a fresh folder, with the lesson's Python environment on PATH (as after
`source .../activate`).
"""

from __future__ import annotations

import json
import re

from lessontest.generators import code_archive
from lessontest.pages import command
from lessontest.paths import ROOT
from lessontest.shell import run


def test_setup_page_commands_work_on_the_archive(tmp_path):
    code_archive.write_archive(ROOT, tmp_path / "parallel-workflows-code.zip")
    script = command("setup.md", "setup-unzip") + command("setup.md", "setup-first-run")
    proc = run(script, tmp_path)
    code = tmp_path / "parallel-workflows-code" / "code"
    split = json.loads((code / "data" / "iris_split.json").read_text())
    assert split, "the split file is empty"
    result = json.loads((code / "results" / "knn_k04_euclidean.json").read_text())
    assert (result["n_neighbors"], result["metric"]) == (4, "euclidean")
    assert 0.0 < result["test_accuracy"] <= 1.0 and 0.0 < result["cv_accuracy_mean"] <= 1.0
    assert (code / "results" / "knn_k04_euclidean.png").read_bytes().startswith(b"\x89PNG")
    assert proc.stdout.strip().splitlines()[-1] == _pinned("snakemake"), (
        "the page says the version printed"
    )


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
    wrong = [
        f"{name}=={version} (requirements.txt: {_pinned(name)})"
        for name, version in pins
        if _pinned(name) != version
    ]
    assert not wrong, "setup.md pins differ from requirements.txt: " + ", ".join(wrong)
