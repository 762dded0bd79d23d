"""The container chapter's commands agree with the files they refer to.

The chapter's build and run commands need Apptainer or Docker, which the test machines do not have,
so the page marks them site-specific and nothing runs them here. This test checks what can be
checked without running them: the files and folders they name exist (relative to code/, where
learners type them), and they use the same image name and bind options as the job script and the
Snakefile.
"""

from __future__ import annotations

import re
import shlex

from lessontest.pages import is_command_block, is_site_specific, load_page
from lessontest.paths import CONTENT, ROOT

CODE = ROOT / "code"


def site_specific_commands() -> list[list[str]]:
    """The words of every line of the page's site-specific command blocks (a block without that
    class is run by a test module that names it)."""
    commands = []
    for block in load_page(CONTENT / "container.md").blocks:
        if is_command_block(block) and is_site_specific(block):
            commands += [shlex.split(line) for line in block.body.strip().splitlines()]
    return commands


def test_page_commands_name_files_that_exist():
    commands = site_specific_commands()
    assert len(commands) >= 5
    named = [
        word
        for command in commands
        for word in command
        if re.match(r"(container|python|slurm)/", word)
    ]
    assert {
        "container/apptainer.def",
        "container/",
        "slurm/scikit_example/container_job.sh",
        "python/scikit_example/preprocess.py",
    } <= set(named)
    for word in named:
        assert (CODE / word).exists(), f"the page names {word}, which is not in code/"


def test_image_name_is_the_same_everywhere():
    commands = site_specific_commands()
    built = {command[2] for command in commands if command[:2] == ["apptainer", "build"]}
    assert built == {"knn-iris.sif"}
    job = (CODE / "slurm" / "scikit_example" / "container_job.sh").read_text()
    assert "IMAGE=${IMAGE:-knn-iris.sif}" in job
    snakefile = (CODE / "snakemake" / "scikit_example" / "Snakefile").read_text()
    assert 'container: "knn-iris.sif"' in snakefile


def test_page_runs_code_the_way_the_job_script_does():
    commands = site_specific_commands()
    execs = [command for command in commands if command[:2] == ["apptainer", "exec"]]
    assert execs and all(command[2:6] == ["--bind", "$PWD", "--pwd", "$PWD"] for command in execs)
    job = (CODE / "slurm" / "scikit_example" / "container_job.sh").read_text()
    assert 'apptainer exec --bind "$PWD" --pwd "$PWD" "$IMAGE" "$@"' in job
