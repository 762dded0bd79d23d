"""The commands content/assignment.md tells learners to type, run exactly as written.

The `page_runs` fixture (conftest.py) runs every ```bash block of the page once; blocks marked
site-specific are `code-block`s, not ```bash fences, and are not run. Here each block must have
succeeded and shown what the page says it shows. test_tuning.py and test_models.py check the
same runs' outputs in more depth.
"""

from __future__ import annotations

import pytest

# For each block, a command it contains and a text its output must contain.
EXPECTED = [
    ("python process_images.py", "processed 50 images of 10 digits"),
    ("python tune_svm.py", "0.1,0.0001,0.866375,0.009024"),
    ("python compare_models.py", "random_forest,0.974400,0.009547"),
    ("--configfile .test/config_small/config.yaml", "Congratulations, your workflow is in a good condition!"),
    ("--keep-going", "snakemake reported a failure"),
]


def test_every_block_is_checked(helpers):
    blocks = helpers.bash_blocks()
    assert len(blocks) == len(EXPECTED)
    for block, (command, _) in zip(blocks, EXPECTED):
        assert command in block


@pytest.mark.parametrize("command, text", EXPECTED, ids=[c for c, _ in EXPECTED])
def test_page_block_runs(command, text, page_runs, helpers):
    _, block, proc = helpers.page_run(page_runs, command)
    assert text in proc.stdout + proc.stderr


def test_starting_script_outputs(page_runs, helpers):
    base, _, _ = helpers.page_run(page_runs, "python process_images.py")
    images = base / "exercises" / "assignment" / "images"
    assert len(list((images / "images").glob("digit*_*.pgm"))) == 50
    for name in ["features.csv", "summary.csv", "mean_images.png"]:
        assert (images / "results" / name).stat().st_size > 0
    summary = (images / "results" / "summary.csv").read_text().splitlines()
    assert len(summary) == 11 and summary[1].startswith("0,5,")
    for option, names in [("tuning", ["tuning.csv", "tuning.png", "best.json"]),
                          ("models", ["models.csv", "models.png"])]:
        for name in names:
            assert (base / "exercises" / "assignment" / option / "results" / name).stat().st_size > 0
