"""One helper dialect for the three example trees: code/python/scikit_example/script_io.py,
code/python/scatter_gather/script_io.py and code/python/seeds_study/script_io.py.

Each tree carries its own copy, so that a learner can copy one tree and run it; these tests keep the
copies identical and check that every tree's scripts behave the same way on output files and on
usage mistakes.
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

from lessontest.shell import python_in_process

ROOT = pathlib.Path(__file__).resolve().parents[2]
TREES = ["scikit_example", "scatter_gather", "seeds_study"]
# The notebook exported to a script: one file on purpose, with plain argparse (first chapter).
STANDALONE = {"script_io.py", "knn_iris.py"}
HELPERS = {tree: ROOT / "code" / "python" / tree / "script_io.py" for tree in TREES}
# One cheap script per tree that writes one output file: (tree, script, arguments before --output).
WRITERS = [
    ("scikit_example", "create_parameter_file.py", []),
    ("scatter_gather", "prepare_data.py", []),
    ("seeds_study", "train_seed.py", ["--seed", "3"]),
]
UMASK = 0o027  # not the usual 022, so that the modes below cannot match by accident


def run_script(tree: str, script: str, *args, cwd: pathlib.Path) -> subprocess.CompletedProcess:
    path = ROOT / "code" / "python" / tree / script
    return subprocess.run(
        [sys.executable, str(path), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.umask(UMASK),
    )


def test_the_three_copies_are_byte_identical():
    contents = {tree: path.read_bytes() for tree, path in HELPERS.items()}
    assert len(set(contents.values())) == 1, f"script_io.py differs between {', '.join(TREES)}"
    assert "byte-identical" in contents[TREES[0]].decode(), "the docstring says why it is repeated"


def test_no_script_defines_its_own_helpers():
    """The parser, the error runner and write_atomic exist only in script_io.py."""
    own = re.compile(
        r"^(class (ArgumentParser|InputError|StepError)\b|def (write_atomic|run|run_main)\()",
        re.MULTILINE,
    )
    for tree in TREES:
        for script in sorted((ROOT / "code" / "python" / tree).glob("*.py")):
            if script.name in STANDALONE:
                continue
            text = script.read_text()
            assert not own.findall(text), f"{script.relative_to(ROOT)} defines its own helper"
            assert "argparse.ArgumentParser(" not in text, (
                f"{script.name}: use script_io.ArgumentParser"
            )


@pytest.mark.parametrize("tree, script, args", WRITERS, ids=[w[0] for w in WRITERS])
def test_outputs_get_the_usual_permissions(tree, script, args, tmp_path):
    target = tmp_path / "out" / "result.json"
    proc = run_script(tree, script, *args, "--output", target, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~UMASK), f"{tree}: not 0666 & ~umask"
    assert [p.name for p in target.parent.iterdir()] == ["result.json"], "no temporary file is left"


@pytest.mark.parametrize("tree, script, args", WRITERS, ids=[w[0] for w in WRITERS])
def test_a_file_in_the_way_of_the_output_folder_is_one_clear_line(tree, script, args, tmp_path):
    (tmp_path / "blocker").write_text("a file")
    proc = run_script(
        tree, script, *args, "--output", tmp_path / "blocker" / "result.json", cwd=tmp_path
    )
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith(f"{script}: error: cannot write ")
    assert "blocker exists but is a file, not a folder" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


@pytest.mark.parametrize("tree", TREES)
def test_a_usage_mistake_is_one_line_in_every_script(tree, tmp_path):
    scripts = [
        p.name
        for p in sorted((ROOT / "code" / "python" / tree).glob("*.py"))
        if "ArgumentParser(" in p.read_text() and p.name not in STANDALONE
    ]
    assert scripts, tree
    for script in scripts:
        # In this process (lessontest.shell.python_in_process): one import of each library for
        # the tree's scripts; test_knn_scripts.py and tests/yadage compare it with real processes.
        proc = python_in_process(
            ROOT / "code" / "python" / tree / script, "--no-such-option", cwd=tmp_path
        )
        assert proc.returncode == 2, (script, proc.stderr)
        assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(f"{script}: error: "), (
            proc.stderr
        )
        assert "usage:" not in proc.stderr
    assert not list(tmp_path.iterdir()), "a usage mistake writes nothing"
