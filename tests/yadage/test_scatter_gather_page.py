"""Run every command of content/scatter-gather.md and then of content/scatter-gather-slurm.md (but
its Slurm job: test_scatter_gather_slurm.py), in order, as a learner would; check the results.

Each block is taken from its page by its name (lessontest.pages.command). They run one after the
other in a learner's copy of the lesson (code/, exercises/ and solutions/ side by side, as in the
download), from the copy's code/ folder, with the lesson's Python environment on PATH. The blocks
whose first line on the page says "# This fails" are expected to fail (BLOCKS below says which, and
test_every_block_behaved checks that the page says so too); every other block must succeed.

What the blocks prove, step by step: one step runs on its own with packtivity-run; the yadage
workflow scatters and gathers; a second run into the same work directory is refused and harms
nothing; with the exercise's sixth classifier yadage (in a new work directory) runs every step;
the Snakemake twin makes byte-identical files; and with the sixth classifier Snakemake runs only
the new work.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time

import pytest

from lessontest.generators import yadage_graph
from lessontest.pages import command
from lessontest.paths import CONTENT, ROOT
from lessontest.shell import python, run
from lessontest.snakemake import finished_jobs
from lessontest.tree import copy_code, copy_lesson
from lessontest.yadage import ran_tasks

PAGE = "scatter-gather.md"
SLURM_PAGE = "scatter-gather-slurm.md"
CLASSIFIERS = ["nearest_neighbours", "linear_svm", "rbf_svm", "gaussian_process", "decision_tree"]
PANEL_PIXELS = 300  # merge_and_plot.py: 3 inches per panel at 100 dpi, at most 3 panels per row

# The two pages' blocks in reading order, by name: the page that shows each, and whether it is
# expected to fail.
BLOCKS = {
    "scatter-bad-classifier": (PAGE, True),
    "scatter-packtivity-steps": (PAGE, False),
    "scatter-yadage-run": (PAGE, False),
    "scatter-list-results": (PAGE, False),
    "scatter-workdir-in-use": (PAGE, True),
    "scatter-1-try": (PAGE, True),
    "scatter-1-copy-solution": (PAGE, False),
    "scatter-1-yadage": (PAGE, False),
    "scatter-gather-slurm-snakemake": (SLURM_PAGE, False),
    "scatter-gather-slurm-1-snakemake": (SLURM_PAGE, False),
}
WATCHED = {
    "yadage_summary": "results/yadage/merge/scores.csv",
    "yadage_figure": "results/yadage/merge/classifiers.png",
    "yadage_six_summary": "results/yadage-six/merge/scores.csv",
    "yadage_six_figure": "results/yadage-six/merge/classifiers.png",
    "snakemake_summary": "results/snakemake/scores.csv",
    "snakemake_figure": "results/snakemake/classifiers.png",
}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def rows(summary: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(summary.decode("utf-8"))))


@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    """Run every block once, in order, in one copy of the tree; per block its result and outputs."""
    base = tmp_path_factory.mktemp("scatter_gather")
    code = copy_lesson(base, folders=("code", "exercises", "solutions")) / "code"
    records = {}
    for name, (page, expected_to_fail) in BLOCKS.items():
        started = time.monotonic()
        proc = run(command(page, name), code, check=False)
        files = {
            key: (code / path).read_bytes()
            for key, path in WATCHED.items()
            if (code / path).exists()
        }
        records[name] = {
            "proc": proc,
            "log": proc.stdout + proc.stderr,
            "files": files,
            "seconds": round(time.monotonic() - started, 1),
        }
        if (proc.returncode != 0) != expected_to_fail:
            break  # later blocks build on this one; test_every_block_behaved reports it
    return code, records


def test_every_block_behaved(lesson):
    _, records = lesson
    print(
        "seconds per block:", {name: record["seconds"] for name, record in records.items()}
    )  # pytest -s
    for name, (page, expected_to_fail) in BLOCKS.items():
        says_it_fails = command(page, name).splitlines()[0].startswith("# This fails")
        assert says_it_fails == expected_to_fail, (
            f"{name}: the page's first line disagrees with BLOCKS"
        )
    assert list(records) == list(BLOCKS), (
        "a block did not behave; see test_every_block_behaved output"
    )
    for name, record in records.items():
        proc = record["proc"]
        if BLOCKS[name][1]:
            assert proc.returncode != 0, f"block {name} should fail but succeeded:\n{record['log']}"
        else:
            assert proc.returncode == 0, (
                f"block {name} failed ({proc.returncode}):\n{record['log'][-5000:]}"
            )


def _record(lesson, name):
    _, records = lesson
    if name not in records:
        pytest.fail(
            f"block {name} never ran because an earlier block misbehaved "
            "(see test_every_block_behaved)"
        )
    return records[name]


def test_an_unknown_classifier_is_one_clear_line(lesson):
    record = _record(lesson, "scatter-bad-classifier")
    message = record["proc"].stderr.strip()
    assert record["proc"].returncode == 1
    assert "\n" not in message, message
    assert message == (
        "train_classifier.py: error: unknown classifier 'forest'; choose one of: "
        + ", ".join(CLASSIFIERS)
    )
    assert message in (CONTENT / PAGE).read_text(encoding="utf-8"), (
        "the page shows the error word for word"
    )


def test_packtivity_runs_one_step_like_the_workflow_does(lesson):
    code, _ = lesson
    record = _record(lesson, "scatter-packtivity-steps")
    assert "rbf_svm: test accuracy" in record["log"]
    debug = code / "results" / "debug"
    assert (debug / "train" / "_packtivity").is_dir(), "the step keeps its log"
    # The same step, run alone, gives byte-identical files to the workflow's own prepare and train.
    workdir = code / "results" / "yadage"
    if not (workdir / "merge").exists():
        pytest.fail("the workflow did not run (see test_every_block_behaved)")
    assert (debug / "prepare" / "moons.json").read_bytes() == (
        workdir / "prepare" / "moons.json"
    ).read_bytes()
    by_name = {
        json.loads(p.read_text())["classifier"]: p for p in workdir.glob("train_*/result.json")
    }
    assert (debug / "train" / "rbf_svm.json").read_bytes() == by_name["rbf_svm"].read_bytes()


def test_the_workflow_scatters_training_and_gathers_one_summary(lesson):
    code, _ = lesson
    record = _record(lesson, "scatter-yadage-run")
    # One training step per classifier, in the order of inputs.yml, each in its own folder.
    trained = [
        json.loads((code / f"results/yadage/train_{i}/result.json").read_text())["classifier"]
        for i in range(len(CLASSIFIERS))
    ]
    assert trained == CLASSIFIERS
    assert ran_tasks(record["log"]) == {
        "prepare",
        "merge",
        *(f"train_{i}" for i in range(len(CLASSIFIERS))),
    }
    summary = rows(record["files"]["yadage_summary"])
    assert [row["classifier"] for row in summary] == sorted(CLASSIFIERS), "rows sorted by name"
    for row in summary:
        assert 0.5 < float(row["test_accuracy"]) <= 1.0 and row["n_test"] == "80"
    assert png_size(record["files"]["yadage_figure"]) == (3 * PANEL_PIXELS, 2 * PANEL_PIXELS)


def test_the_listing_block_prints_the_summary(lesson):
    record = _record(lesson, "scatter-list-results")
    summary = _record(lesson, "scatter-yadage-run")["files"]["yadage_summary"].decode()
    assert record["proc"].stdout.endswith(summary)
    for folder in ("prepare", "merge", "train_0", "train_4", "_yadage"):
        assert folder in record["proc"].stdout.split()


def test_a_second_run_into_the_same_work_directory_is_refused_and_harmless(lesson):
    record = _record(lesson, "scatter-workdir-in-use")
    assert record["proc"].returncode != 0
    assert "yadage meta directory" in record["log"] and "--accept-metadir" in record["log"]
    assert not ran_tasks(record["log"]), "no step ran"
    assert record["files"] == _record(lesson, "scatter-yadage-run")["files"], (
        "the first run's results are untouched"
    )


def test_snakemake_makes_byte_identical_files(lesson):
    record = _record(lesson, "scatter-gather-slurm-snakemake")
    assert record["proc"].stdout.split("\n")[-3:] == ["same scores", "same figure", ""]
    files = record["files"]
    assert files["snakemake_summary"] == files["yadage_summary"]
    assert files["snakemake_figure"] == files["yadage_figure"]
    assert re.findall(r"\(Rule: (\w+)\)", record["log"]).count("train") >= len(CLASSIFIERS)


def test_the_exercise_starter_fails_cleanly(lesson):
    code, _ = lesson
    record = _record(lesson, "scatter-1-try")
    message = record["proc"].stderr.strip()
    assert record["proc"].returncode == 1 and "\n" not in message, message
    assert "unknown classifier 'random_forest'" in message
    assert all(name in message for name in CLASSIFIERS), "the error lists the valid names"
    assert not (code / "results" / "random_forest.json").exists(), "no partial output"


def test_yadage_runs_all_eight_steps_for_six_classifiers(lesson):
    code, _ = lesson
    record = _record(lesson, "scatter-1-yadage")
    six = len(CLASSIFIERS) + 1
    assert ran_tasks(record["log"]) == {"prepare", "merge", *(f"train_{i}" for i in range(six))}
    assert (
        json.loads((code / "results/yadage-six/train_5/result.json").read_text())["classifier"]
        == "random_forest"
    )
    expected = (ROOT / "solutions" / "scatter-gather-1" / "scores_six.csv").read_bytes()
    assert record["files"]["yadage_six_summary"] == expected
    assert png_size(record["files"]["yadage_six_figure"]) == (3 * PANEL_PIXELS, 2 * PANEL_PIXELS)
    assert record["files"]["yadage_six_figure"] != record["files"]["yadage_figure"]
    # The five classifiers that were there before score exactly as in the first run.
    before = {row["classifier"]: row for row in rows(record["files"]["yadage_summary"])}
    after = {row["classifier"]: row for row in rows(record["files"]["yadage_six_summary"])}
    assert {name: after[name] for name in before} == before


def test_snakemake_runs_only_the_new_classifier_and_the_merge(lesson):
    record = _record(lesson, "scatter-gather-slurm-1-snakemake")
    finished = finished_jobs(record["log"])
    assert finished == {"all": 1, "merge": 1, "train": 1}, record["log"][-3000:]
    assert "random_forest" in record["log"]
    assert record["proc"].stdout.rstrip().endswith("same scores")
    files = record["files"]
    assert files["snakemake_summary"] == files["yadage_six_summary"]
    assert files["snakemake_figure"] == files["yadage_six_figure"]


def test_merge_does_not_depend_on_the_order_of_its_inputs(lesson, tmp_path):
    code, _ = lesson
    workdir = code / "results" / "yadage-six"
    results = sorted(str(p) for p in workdir.glob("train_*/result.json"))
    assert len(results) == len(CLASSIFIERS) + 1
    outputs = []
    for order, name in ((results, "forward"), (results[::-1], "backward")):
        python(
            code / "python/scatter_gather/merge_and_plot.py",
            "--data",
            workdir / "prepare/moons.json",
            "--figure",
            tmp_path / f"{name}.png",
            "--summary",
            tmp_path / f"{name}.csv",
            *order,
            cwd=tmp_path,
        )
        outputs.append(
            ((tmp_path / f"{name}.png").read_bytes(), (tmp_path / f"{name}.csv").read_bytes())
        )
    assert outputs[0] == outputs[1]
    files = _record(lesson, "scatter-1-yadage")["files"]
    assert outputs[0] == (files["yadage_six_figure"], files["yadage_six_summary"])


def test_the_build_time_pictures_come_from_the_real_workflow(lesson, tmp_path):
    """generators/yadage_graph.py, run on a copy of the tree, draws the graph of this workflow
    and makes byte-identical files to the yadage run above."""
    generator = yadage_graph
    copy_code(tmp_path)
    (tmp_path / "_generated").mkdir()
    generator.generate(tmp_path)
    svg, png, summary = ((tmp_path / out).read_bytes() for out in generator.OUTPUTS)
    yadage_run = _record(lesson, "scatter-yadage-run")["files"]
    assert png == yadage_run["yadage_figure"] and summary == yadage_run["yadage_summary"]
    text = svg.decode("utf-8")
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", text)
    assert sorted(label for label in labels if re.fullmatch(r"\w+\[\d+\]", label)) == sorted(
        ["prepare[0]", "merge[0]", *(f"train[{i}]" for i in range(len(CLASSIFIERS)))]
    )
    assert labels.count("[result]") == len(CLASSIFIERS)
    assert "[scripts]" not in labels
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text), "random node ids were replaced"
    # Skipping the commands gives the same graph as the real run of the page's yadage block.
    from yadage.visualize import provdotgraph
    from yadage.wflow import YadageWorkflow

    code, _ = lesson
    snapshot = json.loads(
        (code / "results/yadage/_yadage/yadage_snapshot_workflow.json").read_text()
    )
    real_run = generator.tidy(provdotgraph(YadageWorkflow.fromJSON(snapshot, {})).to_string())
    assert generator.svg_from_dot(real_run) == text
