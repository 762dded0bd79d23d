"""The commands content/assignment.md tells learners to type, run exactly as written.

Every ```bash block of the page runs in a fresh copy of exercises/assignment/ and
solutions/assignment/ (laid out as in the repository, so the page's `cd` lines work), with
`bash -e`: any failing line fails the test. Blocks marked site-specific (code-block with
:class: site-specific) are not ```bash fences and are not run.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

PAGE = "content/assignment.md"


def bash_blocks(root):
    return re.findall(r"^```bash\n(.*?)^```$", (root / PAGE).read_text(), flags=re.MULTILINE | re.DOTALL)


def test_page_has_the_expected_commands(root):
    blocks = bash_blocks(root)
    assert len(blocks) == 5
    assert any("snakemake --cores 2 --keep-going" in block for block in blocks)


@pytest.mark.parametrize("index", range(5))
def test_page_block_runs(index, root, helpers, tmp_path):
    block = bash_blocks(root)[index]
    for part in ["exercises", "solutions"]:
        shutil.copytree(
            root / part / "assignment", tmp_path / part / "assignment",
            ignore=shutil.ignore_patterns(".snakemake", "results", "logs", "benchmarks", "resources"),
        )
    proc = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", block],
        cwd=tmp_path, env=helpers.environment(), capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, f"block {index} failed:\n{block}\n{proc.stdout}\n{proc.stderr}"
    output = proc.stdout + proc.stderr
    # What each block is there to show, checked in its output.
    expected = {
        "process_images.py": "processed 50 images of 10 digits",
        "tune_svm.py": "0.1,0.0001,",
        "compare_models.py": "random_forest,",
        "--configfile .test/config_small": "C,gamma,cv_mean,cv_std",
        "--keep-going": "KNeighborsClassifier has no parameter 'n_neighbours'",
        "ls results/scores": "decision_tree.json\nnaive_bayes.json",
    }
    matches = [text for key, text in expected.items() if key in block]
    assert matches, f"no expectation for block {index}"
    for text in matches:
        assert text in output
