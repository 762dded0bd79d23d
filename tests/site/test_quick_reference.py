"""The quick reference only lists what the lesson really uses, and links where it is used.

For every row of a `command | what | chapter` table in content/quick-reference.md, the command's
program and each of its long options (`--array`, `--dry-run`, ...) must appear in the chapter the
row links to: in the page's own text or in a file the page includes with {literalinclude}.
"""

from __future__ import annotations

import re

from lessontest import pages as site
from lessontest.paths import ROOT


def _rows():
    text = (site.CONTENT / "quick-reference.md").read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) != 3 or set(cells[0]) <= {"-", " "}:
            continue
        command = re.match(r"^`([^`]+)`", cells[0])
        chapter = re.search(r"\{doc\}`([^`]+)`", cells[2])
        if command and chapter:
            yield number, command.group(1).replace("\\|", "|"), chapter.group(1)


def _chapter_text(docname: str) -> str:
    page = site.load_page(ROOT / (docname.lstrip("/") + ".md"))
    texts = [page.text]
    for block in page.blocks:
        if block.is_directive and block.name == "literalinclude":
            path = site.resolve(page.path, block.argument)
            if path.exists():
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


def test_quick_reference_has_rows():
    assert len(list(_rows())) >= 20


def test_every_command_appears_in_the_chapter_it_links():
    problems = []
    for number, command, chapter in _rows():
        text = _chapter_text(chapter)
        words = command.split()
        program = words[0]
        options = [w.split("=")[0] for w in words[1:] if w.startswith("--")]
        missing = [w for w in [program, *options] if w not in text]
        if missing:
            problems.append(f"quick-reference.md:{number}: {command!r}: {missing} not in {chapter}")
    assert not problems, "\n".join(problems)
