"""The "100 seeds, then 20 more" study (code/snakemake/seeds_study/Snakefile): determinism, bad
seeds files, and --lint for every Snakefile of the planning chapter.

The job-counting proofs (adding seeds runs only the new ones; changing only the summary re-runs
only the summary; no change runs nothing) run the page's own commands, in
test_planning_commands.py.
"""

from __future__ import annotations

import pytest

from lessontest.paths import ROOT
from lessontest.shell import run
from lessontest.tree import copy_code

SNAKEFILE = "snakemake/seeds_study/Snakefile"
OUT = "results/seeds_study"


@pytest.fixture
def study(tmp_path):
    """A learner's copy of code/; commands run from it, as in the lesson."""
    return copy_code(tmp_path)


def seed_files(code):
    return sorted((code / OUT / "seeds").glob("seed_*.json"))


def test_summary_is_identical_serial_and_parallel(tmp_path):
    results = []
    for cores in ("1", "2"):
        code = copy_code(tmp_path / cores)
        (code / "test_seeds.txt").write_text("8\n9\n")
        run(
            [
                "snakemake",
                "--snakefile",
                SNAKEFILE,
                "--cores",
                cores,
                "--config",
                "seeds_file=test_seeds.txt",
            ],
            code,
        )
        results.append(
            [(code / OUT / "summary.tsv").read_bytes()] + [p.read_bytes() for p in seed_files(code)]
        )
    assert results[0] == results[1]


@pytest.mark.parametrize(
    "content, message",
    [
        ("1\nseven\n", "line 2: not a whole number: 'seven'"),
        ("1\n2\n1\n", "line 3: seed 1 is listed twice"),
    ],
)
def test_a_bad_seeds_file_stops_the_workflow_with_a_clear_message(study, content, message):
    (study / "bad_seeds.txt").write_text(content)
    proc = run(
        [
            "snakemake",
            "--snakefile",
            SNAKEFILE,
            "--cores",
            "1",
            "--dry-run",
            "--config",
            "seeds_file=bad_seeds.txt",
        ],
        study,
        check=False,
    )
    assert proc.returncode != 0
    assert message in proc.stdout + proc.stderr
    assert not (study / OUT).exists()


@pytest.mark.parametrize(
    "folder", ["code/snakemake/seeds_study", "code/snakemake/many_small_tasks"]
)
def test_snakemake_lint_is_clean(tmp_path, folder):
    """`snakemake --lint` for each Snakefile (code/snakemake/seeds_study/Snakefile and
    code/snakemake/many_small_tasks/Snakefile), from the code/ folder of a copy of the tree."""
    code = copy_code(tmp_path)
    proc = run(
        ["snakemake", "--snakefile", f"{folder.removeprefix('code/')}/Snakefile", "--lint"], code
    )
    output = proc.stdout + proc.stderr
    assert "Lints for" not in output, output
    assert "Congratulations, your workflow is in a good condition!" in output


def test_the_study_files_list_100_seeds_and_a_10_seed_rehearsal():
    full = (ROOT / "code/snakemake/seeds_study/seeds.txt").read_text().split()
    rehearsal = (ROOT / "code/snakemake/seeds_study/seeds_rehearsal.txt").read_text().split()
    assert full == [str(seed) for seed in range(1, 101)]
    assert rehearsal == [str(seed) for seed in range(1, 11)]
