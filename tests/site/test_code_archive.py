"""The downloadable archive of the code tree (tools/generators/code_archive.py)."""

from __future__ import annotations

import subprocess
import zipfile

import code_archive
from lessontest.paths import ROOT


def _git_listed() -> list[str]:
    out = subprocess.run(
        [
            "git",
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
            "--",
            "code",
            "exercises",
            "solutions",
        ],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted(name for name in set(out.split("\0")) if name and (ROOT / name).is_file())


def test_archive_is_byte_identical_between_runs(tmp_path):
    first, second = tmp_path / "a" / "code.zip", tmp_path / "b" / "code.zip"
    code_archive.write_archive(ROOT, first)
    code_archive.write_archive(ROOT, second)
    assert first.read_bytes() == second.read_bytes()
    assert not list(first.parent.glob(".code_archive-*")), "a temporary file was left behind"


def test_archive_holds_the_tree_sorted_with_fixed_metadata(tmp_path):
    target = tmp_path / "code.zip"
    code_archive.write_archive(ROOT, target)
    expected = _git_listed()
    assert any(name.startswith("code/") for name in expected)
    with zipfile.ZipFile(target) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        assert names == [f"parallel-workflows-code/{name}" for name in expected]
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename
            mode = (info.external_attr >> 16) & 0o777
            assert mode in (0o644, 0o755), (info.filename, oct(mode))
            relative = info.filename.split("/", 1)[1]
            assert archive.read(info) == (ROOT / relative).read_bytes(), (
                f"{relative} differs from the tree"
            )
    outputs = {"__pycache__", ".snakemake", ".pyc"}
    assert not [n for n in names if any(o in n for o in outputs)], "caches or outputs were packed"


def test_generator_writes_its_declared_output(tmp_path):
    # generate() writes exactly the OUTPUTS the site's {download} link points to.
    assert code_archive.OUTPUTS == ["_generated/parallel-workflows-code.zip"]
    setup = (ROOT / "content" / "setup.md").read_text(encoding="utf-8")
    assert "</_generated/parallel-workflows-code.zip>" in setup
