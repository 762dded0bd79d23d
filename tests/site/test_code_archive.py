"""The learners' download (generators/code_archive.py): its bytes, and that it holds every
file and make target a page tells learners to run or open."""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest

from lessontest import pages as site
from lessontest.generators import code_archive, site_files
from lessontest.paths import ROOT
from lessontest.shell import run


def _git_listed(*folders) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *folders],
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
    expected = {name: name for name in _git_listed("code", "exercises", "solutions", "cluster")}
    assert any(name.startswith("code/") for name in expected)
    expected |= code_archive.EXTRA_FILES
    assert expected["Makefile"] == "learners.mk"
    # code/site.env, the profiles and cluster/strict-site.sh, made from the site files
    made = {**site_files.download_files(ROOT), **site_files.cluster_file(ROOT)}
    expected |= dict.fromkeys(made)
    with zipfile.ZipFile(target) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        assert names == [f"parallel-workflows-code/{name}" for name in sorted(expected)]
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename
            mode = (info.external_attr >> 16) & 0o777
            assert mode in (0o644, 0o755), (info.filename, oct(mode))
            relative = info.filename.split("/", 1)[1]
            source = (
                made[relative] if relative in made else (ROOT / expected[relative]).read_bytes()
            )
            assert archive.read(info) == source, f"{relative} differs from the tree"
    outputs = {"__pycache__", ".snakemake", ".pyc"}
    assert not [n for n in names if any(o in n for o in outputs)], "caches or outputs were packed"


def test_generator_writes_its_declared_output(tmp_path):
    # generate() writes exactly the OUTPUTS the site's {download} link points to.
    assert code_archive.OUTPUTS == ["_generated/parallel-workflows-code.zip"]
    setup = (ROOT / "content" / "setup.md").read_text(encoding="utf-8")
    assert "</_generated/parallel-workflows-code.zip>" in setup


# --- Everything a page tells learners to run or open is in the download ---------------------------

_SPAN = re.compile(r"(?<![`}])`([^`\n]+)`(?!`)")  # an inline code span; not a role such as {doc}
_MAKE = re.compile(r"\bmake ([a-z][\w-]*)")
_WORD_EDGES = "\"'()[]{},;:<>|"


def _mentions(page) -> list[tuple[str, int, bool]]:
    """(text, offset in the page, is a code block) of every code span and code block body of a
    page: what it shows learners to type or open. Included files and download links are read
    from their directives instead."""
    found = [(m.group(1), m.start(), False) for m in _SPAN.finditer(page.text)]
    for block in page.blocks:
        if not block.is_directive or block.name == "code-block":
            found.append((block.body, page.text.find(block.body), True))
    return found


def _paths_in(text: str, top_dirs: set[str], top_files: set[str], span: bool) -> list[str]:
    """Paths of the lesson's top folder that `text` names: `cluster/up.sh`, `../exercises/x/`,
    and in a code span also a top-level file such as `requirements.txt`."""
    paths = []
    for word in text.split():
        word = word.strip(_WORD_EDGES)
        while word.startswith(("../", "./")):
            word = word.split("/", 1)[1]
        placeholder = re.search(r"/[^/]*[<{*$]", word)  # solutions/assignment/<option>/
        word = word[: placeholder.start() + 1] if placeholder else word
        first = word.split("/", 1)[0]
        if ("/" in word and first in top_dirs) or (span and word in top_files):
            paths.append(word.rstrip("/"))
    return paths


def _paragraph(text: str, offset: int) -> str:
    start = text.rfind("\n\n", 0, offset)
    end = text.find("\n\n", offset)
    return text[start + 1 : end if end >= 0 else len(text)]


@pytest.fixture(scope="module")
def download() -> tuple[set[str], set[str]]:
    """(every file in the download, every folder in it), as paths below its top folder."""
    files = set(code_archive.archive_members(ROOT))
    folders = {name.rsplit("/", 1)[0] for name in files if "/" in name}
    folders |= {f.rsplit("/", i)[0] for f in folders for i in range(1, f.count("/") + 1)}
    return files, folders


def _learner_targets() -> set[str]:
    text = (ROOT / code_archive.EXTRA_FILES["Makefile"]).read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", text, re.MULTILINE))


def test_every_path_and_make_target_a_page_names_is_in_the_download(pages, download):
    """A learner with only the zip can run and open everything a page names: each path of the
    lesson's top folder in a code span, a command block, an include or a download link is in the
    zip, and so is each `make` target. A path or target only the repository has is named in a
    paragraph that says so (the repository), and never in a command."""
    files, folders = download
    in_repo = _git_listed(".")
    top_dirs = {name.split("/")[0] for name in in_repo if "/" in name}
    top_files = {name for name in in_repo if "/" not in name}
    targets = _learner_targets()
    problems, checked = [], set()
    for page in pages:
        named = []  # (path, offset, in a command block)
        for text, offset, block in _mentions(page):
            named += [(p, offset, block) for p in _paths_in(text, top_dirs, top_files, not block)]
            for target in _MAKE.findall(text):
                checked.add(f"make {target}")
                # A maintainer's target (make html) may be named where the page says that it
                # runs in the repository, as a path may.
                in_repo_prose = not block and "repository" in _paragraph(page.text, offset)
                if target not in targets and not in_repo_prose:
                    problems.append(f"{page.path.name}: `make {target}` is not in the download")
        for b in page.blocks:
            if b.is_directive and b.name in ("literalinclude", "include"):
                named.append((b.argument.lstrip("/"), page.text.find(b.argument), False))
        for target, _line in site.download_targets(page):
            named.append((target.lstrip("/"), page.text.find(target), False))
        for path, offset, block in named:
            if path.startswith("_generated/"):
                continue  # made by the build, shown on the page
            checked.add(path)
            if path in files or path in folders:
                continue
            where = f"{page.path.name}: {path}"
            if not (ROOT / path).exists():
                problems.append(f"{where} exists neither in the download nor in the repository")
            elif block or "repository" not in _paragraph(page.text, offset):
                problems.append(f"{where} is not in the download, and the page does not say where")
    for expected in ("make cluster-up", "make bench", "cluster/check.sh", "requirements.txt"):
        assert expected in checked, f"the scan no longer finds {expected}"
    assert not problems, "\n".join(problems)


def test_the_downloads_makefile_runs_the_cluster_and_the_bench(tmp_path):
    """The zip's Makefile, from the unpacked top folder: its targets name files the zip holds,
    and the benchmark script starts (its --help)."""
    zip_path = tmp_path / "download.zip"
    code_archive.write_archive(ROOT, zip_path)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(tmp_path)
    top = tmp_path / code_archive.TOP

    def make(*args: str) -> str:
        return run(["make", *args], top).stdout

    listed = make("help")
    for target in ("cluster-up", "cluster-down", "bench"):
        assert f"make {target} " in listed, listed
    assert make("-n", "cluster-up") == "bash cluster/up.sh\n"
    assert make("-n", "cluster-down") == "bash cluster/down.sh\n"
    bench = make("-n", "bench")
    assert bench == "python3 bench/run_bench.py\n"
    assert "usage:" in run(bench.split() + ["--help"], top).stdout
    assert (top / "cluster" / "up.sh").is_file() and (top / "cluster" / "common.sh").is_file()
