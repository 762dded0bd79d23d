"""A learner's copy of the lesson's files, and folders read back as bytes.

A learner's copy holds exactly what the download (the zip the setup page links) holds under
code/, exercises/ and solutions/: the files git tracks or would add there, never the outputs of
earlier runs in this checkout. generators/code_archive.py decides that list once, for both.
Like the download, the copy is made for the site the lesson is built for ($LESSON_SITE; default
the practice cluster): its code/site.env and Snakemake profiles come from site_files.py.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import sys

from lessontest.generators import code_archive, site_files
from lessontest.paths import ROOT

DOWNLOAD_TOP = code_archive.TOP  # the zip unpacks into this folder


def copy_lesson(destination: pathlib.Path, folders=("code",)) -> pathlib.Path:
    """Copy the download's `folders` (of code/, exercises/, solutions/) into `destination`, as a
    learner who unpacked the zip has them; return `destination`."""
    unknown = set(folders) - set(code_archive.FOLDERS)
    assert not unknown, f"not part of the download: {sorted(unknown)}"
    for name in code_archive.code_files(ROOT):
        if name.split("/", 1)[0] in folders:
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
    for name, data in site_files.download_files(ROOT).items():
        if name.split("/", 1)[0] in folders:
            (destination / name).write_bytes(data)
    return destination


def copy_code(destination: pathlib.Path) -> pathlib.Path:
    """A learner's code/ folder, as destination/code; returns that folder (commands start there)."""
    return copy_lesson(destination) / "code"


def tree_bytes(folder: pathlib.Path) -> dict[str, bytes]:
    """Every file below `folder` (hidden ones too, no caches), by relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def assert_same_files(produced: dict[str, bytes], expected: dict[str, bytes]) -> None:
    """Both hold the same file names, with byte-identical contents."""
    assert sorted(produced) == sorted(expected), (
        f"missing: {sorted(set(expected) - set(produced))}, "
        f"unexpected: {sorted(set(produced) - set(expected))}"
    )
    differing = [name for name in expected if produced[name] != expected[name]]
    assert not differing, f"files differ: {differing}"


def example_grid(code: pathlib.Path = ROOT / "code") -> list[tuple[int, str, str]]:
    """The k-NN example's (n_neighbors, metric, result file name) triples, in the example's
    order, asked of its grid.py (which imports nothing) as a learner runs Python in that folder."""
    ask = (
        "import grid, json\n"
        "print(json.dumps([(k, m, grid.result_name(k, m)) for k, m in grid.combinations()]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", ask],
        cwd=code / "python" / "scikit_example",
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return [tuple(triple) for triple in json.loads(out)]
