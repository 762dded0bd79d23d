"""The seed study's step scripts on their own: python/seeds_study/train_seed.py and summarize.py."""

from __future__ import annotations

import json
import statistics

import pytest

from lessontest.paths import ROOT
from lessontest.shell import assert_one_error_line, python

SCRIPTS = ROOT / "code" / "python" / "seeds_study"


def write_result(path, seed, accuracy):
    path.write_text(json.dumps({"seed": seed, "test_accuracy": accuracy}))
    return path


def test_train_seed_is_deterministic_per_seed(tmp_path):
    first, second = tmp_path / "a" / "seed_5.json", tmp_path / "b" / "seed_5.json"
    for output in (first, second):
        python(SCRIPTS / "train_seed.py", "--seed", "5", "--output", output, cwd=tmp_path)
    assert first.read_bytes() == second.read_bytes()
    result = json.loads(first.read_text())
    assert result["seed"] == 5 and 0.5 < result["test_accuracy"] <= 1.0
    assert result["n_train"] + result["n_test"] == 178  # the wine data set
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["seed_5.json"]


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--seed", "seven", "--output", "out.json"],
            "--seed must be a whole number >= 0, got 'seven'",
        ),
        (["--seed", "-3", "--output", "out.json"], "--seed must be a whole number >= 0, got '-3'"),
        (["--seed", "3", "--output", "out.txt"], "--output must end in .json, got 'out.txt'"),
        (["--output", "out.json"], "the following arguments are required: --seed"),
    ],
)
def test_train_seed_rejects_bad_input_on_one_line(tmp_path, args, message):
    proc = python(SCRIPTS / "train_seed.py", *args, cwd=tmp_path, check=False)
    assert_one_error_line(proc, message)
    assert list(tmp_path.iterdir()) == []


def test_summarize_computes_the_statistics(tmp_path):
    scores = {3: 0.9, 1: 0.95, 2: 1.0}
    files = [write_result(tmp_path / f"seed_{s}.json", s, a) for s, a in scores.items()]
    out = tmp_path / "summary.tsv"
    python(SCRIPTS / "summarize.py", "--output", out, "--decimals", "4", *files, cwd=tmp_path)
    values = list(scores.values())
    assert out.read_text() == (
        "statistic\tvalue\n"
        "seeds\t3\n"
        f"mean_accuracy\t{statistics.mean(values):.4f}\n"
        f"std_accuracy\t{statistics.stdev(values):.4f}\n"
        "min_accuracy\t0.9000\n"
        "max_accuracy\t1.0000\n"
    )


@pytest.mark.parametrize(
    "case, message",
    [
        ("missing", "No such file or directory"),
        ("malformed", "malformed result file"),
        ("no_keys", "it needs the keys seed, test_accuracy"),
        ("duplicate", "seed 1 appears in more than one result file"),
        ("single", "need the results of at least two seeds"),
        ("decimals", "--decimals must be between 0 and 10, got 11"),
    ],
)
def test_summarize_rejects_bad_input_on_one_line(tmp_path, case, message):
    good = write_result(tmp_path / "seed_1.json", 1, 0.9)
    other = write_result(tmp_path / "seed_2.json", 2, 0.8)
    extra = []
    if case == "missing":
        extra = [good, tmp_path / "seed_9.json"]
    elif case == "malformed":
        (tmp_path / "bad.json").write_text("{not json")
        extra = [good, tmp_path / "bad.json"]
    elif case == "no_keys":
        (tmp_path / "bad.json").write_text('{"score": 1}')
        extra = [good, tmp_path / "bad.json"]
    elif case == "duplicate":
        extra = [good, write_result(tmp_path / "copy.json", 1, 0.7)]
    elif case == "single":
        extra = [good]
    elif case == "decimals":
        extra = ["--decimals", "11", good, other]
    out = tmp_path / "summary.tsv"
    proc = python(SCRIPTS / "summarize.py", "--output", out, *extra, cwd=tmp_path, check=False)
    assert_one_error_line(proc, message)
    assert not out.exists()
    assert not list(tmp_path.glob(".summary.tsv.*"))
