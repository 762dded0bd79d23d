"""Every learner script spells its options with dashes (--n-neighbors, never --n_neighbors).

The scripts are found, not listed: every .py file under code/python/, exercises/ and solutions/
that parses a command line. Each one's --help names every option it accepts.
"""

from __future__ import annotations

import re

import pytest

from lessontest.paths import ROOT
from lessontest.shell import python_in_process

FOLDERS = ["code/python", "exercises", "solutions"]
SCRIPTS = sorted(
    path.relative_to(ROOT).as_posix()
    for folder in FOLDERS
    for path in (ROOT / folder).rglob("*.py")
    if "parse_args(" in (text := path.read_text(encoding="utf-8")) and "__main__" in text
)
# An option in --help: a dash or two at the start of a word, then a letter.
OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")


def test_the_scripts_are_found():
    for script in ["code/python/scikit_example/train_one.py", "exercises/parallel-1/long_code.py"]:
        assert script in SCRIPTS, SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_option_is_spelled_with_dashes(script):
    path = ROOT / script
    proc = python_in_process(path.name, "--help", cwd=path.parent)
    assert proc.returncode == 0 and proc.stdout.startswith("usage: "), proc.stderr
    options = set(OPTION.findall(proc.stdout))
    assert {"-h", "--help"} <= options, proc.stdout
    assert [option for option in options if "_" in option] == [], proc.stdout
