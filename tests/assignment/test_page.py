"""The commands content/assignment.md tells learners to type, run exactly as written.

The `page_runs` fixture (conftest.py) runs every command block of the page once, taken from the
page by its name; blocks marked site-specific are not run. Here each block must have succeeded and
shown what the page says it shows. test_tuning.py and test_models.py check the same runs' outputs
in more depth.
"""

from __future__ import annotations

import pytest

from lessontest.assignment import page_run

# For each block, a text its output must contain.
EXPECTED = {
    "assignment-images-start": "processed 50 images of 10 digits",
    "assignment-tuning-start": "0.1,0.0001,0.866375,0.009024",
    "assignment-models-start": "random_forest,0.974400,0.009547",
    "assignment-models-solution": "snakemake reported a failure",
}


def test_every_block_is_checked(page_runs):
    _, runs = page_runs
    assert list(runs) == list(EXPECTED)


@pytest.mark.parametrize("name, text", EXPECTED.items(), ids=list(EXPECTED))
def test_page_block_runs(name, text, page_runs):
    _, _, proc = page_run(page_runs, name)
    assert text in proc.stdout + proc.stderr


def test_starting_script_outputs(page_runs):
    base, _, _ = page_run(page_runs, "assignment-images-start")
    images = base / "exercises" / "assignment" / "images"
    assert len(list((images / "images").glob("digit*_*.pgm"))) == 50
    for name in ["features.csv", "summary.csv", "mean_images.png"]:
        assert (images / "results" / name).stat().st_size > 0
    summary = (images / "results" / "summary.csv").read_text().splitlines()
    assert len(summary) == 11 and summary[1].startswith("0,5,")
    for option, names in [
        ("tuning", ["tuning.csv", "tuning.png", "best.json"]),
        ("models", ["models.csv", "models.png"]),
    ]:
        for name in names:
            assert (
                base / "exercises" / "assignment" / option / "results" / name
            ).stat().st_size > 0
