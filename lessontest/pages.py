"""Read the lesson's MyST pages: their blocks, and the named command blocks tests run.

Pages are parsed with markdown-it (the parser MyST itself uses), so fenced blocks nested inside
exercises, solutions and admonitions are found as well as top-level ones. A directive's options
(`:key: value` lines or a `---` YAML block) are separated from its body, and the body of every
directive that holds MyST (exercise, solution, admonitions, ...) is parsed again, recursively.
"""

from __future__ import annotations

import dataclasses
import pathlib
import re

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from lessontest.paths import CONTENT, ROOT

# Directives whose body is literal text (code, data), not MyST to be parsed again.
LITERAL_DIRECTIVES = {
    "code-block",
    "code",
    "sourcecode",
    "code-cell",
    "literalinclude",
    "math",
    "raw",
    "csv-table",
    "list-table",
    "glossary",
    "mermaid",
    "graphviz",
    "eval-rst",
}
_OPTION = re.compile(r"^:([A-Za-z][\w-]*):(?:\s+(.*))?$")

_md = MarkdownIt("commonmark").use(front_matter_plugin).use(colon_fence_plugin)


@dataclasses.dataclass
class Block:
    """One fenced block of a page: a directive (`{name} argument`) or plain code (`bash`)."""

    page: pathlib.Path
    line: int  # 1-based line of the opening fence in the page (approximate inside nested blocks)
    name: str  # directive name without braces, or the fence's language for plain code fences
    is_directive: bool
    argument: str
    options: dict[str, str]
    body: str
    parents: tuple[str, ...]  # names of the directives this block is nested in

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def classes(self) -> list[str]:
        return self.options.get("class", "").split()


def _split_options(content: str) -> tuple[dict[str, str], str, int]:
    """Options at the top of a directive's content, the remaining body.

    Also how many lines the options took.
    """
    lines = content.splitlines()
    options: dict[str, str] = {}
    used = 0
    if lines and lines[0].strip() == "---":
        for end in range(1, len(lines)):
            if lines[end].strip() == "---":
                data = yaml.safe_load("\n".join(lines[1:end])) or {}
                options = {str(k): "" if v is None else str(v) for k, v in data.items()}
                used = end + 1
                break
    else:
        while used < len(lines):
            match = _OPTION.match(lines[used].strip()) if lines[used].startswith(":") else None
            if not match:
                break
            options[match.group(1)] = (match.group(2) or "").strip()
            used += 1
    return options, "\n".join(lines[used:]), used


def parse_blocks(page: pathlib.Path, text: str, offset: int = 0, parents=()) -> list[Block]:
    blocks: list[Block] = []
    for token in _md.parse(text):
        if token.type not in ("fence", "colon_fence"):
            continue
        info = token.info.strip()
        line = offset + (token.map[0] + 1 if token.map else 0)
        match = re.match(r"^\{([^}]+)\}\s*(.*)$", info)
        if match:
            name, argument = match.group(1).strip(), match.group(2).strip()
            options, body, used = _split_options(token.content)
            blocks.append(Block(page, line, name, True, argument, options, body, parents))
            if name not in LITERAL_DIRECTIVES:
                blocks.extend(parse_blocks(page, body, line + used, (*parents, name)))
        else:
            language = info.split()[0] if info else ""
            blocks.append(Block(page, line, language, False, "", {}, token.content, parents))
    return blocks


@dataclasses.dataclass
class Page:
    path: pathlib.Path
    text: str
    front_matter: dict
    tokens: list
    blocks: list[Block]

    @property
    def docname(self) -> str:
        return self.path.relative_to(ROOT).with_suffix("").as_posix()

    @property
    def minutes(self) -> int:
        """The episode's stated time, teaching and exercises (0 for a page without timing)."""
        front = self.front_matter
        return int(front.get("teaching", 0)) + int(front.get("exercises", 0))

    @property
    def words(self) -> int:
        """The page's words as a reader meets them in its source: every whitespace-separated
        token except the front matter and directive option lines (`:name: ...`)."""
        body = re.sub(r"\A---\n.*?\n---\n", "", self.text, count=1, flags=re.DOTALL)
        lines = body.splitlines()
        return sum(len(line.split()) for line in lines if not _OPTION.match(line.strip()))


def load_page(path: pathlib.Path) -> Page:
    text = path.read_text(encoding="utf-8")
    tokens = _md.parse(text)
    front = {}
    if tokens and tokens[0].type == "front_matter":
        front = yaml.safe_load(tokens[0].content) or {}
    return Page(path, text, front, tokens, parse_blocks(path, text))


def tracks() -> dict[str, str]:
    """The lesson's paths, in order: track id -> the caption of its part of _toc.yml
    (_config.yml, sphinx.config.lesson_tracks)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["sphinx"]["config"]["lesson_tracks"]


def content_pages() -> list[Page]:
    return [load_page(p) for p in sorted(CONTENT.glob("*.md"))]


def resolve(page: pathlib.Path, target: str) -> pathlib.Path:
    """A path as Sphinx resolves it: root-relative when it starts with '/', else page-relative."""
    target = target.strip()
    if target.startswith("/"):
        return ROOT / target.lstrip("/")
    return (page.parent / target).resolve()


_DOWNLOAD = re.compile(r"\{download\}`(?:[^`<]*<([^`>]+)>|([^`<>]+))`")


def download_targets(page: Page) -> list[tuple[str, int]]:
    found = []
    for match in _DOWNLOAD.finditer(page.text):
        target = (match.group(1) or match.group(2)).strip()
        found.append((target, page.text.count("\n", 0, match.start()) + 1))
    return found


# --- Command blocks: what a page tells learners to type ---------------------------------------
#
# A command block is a shell block a learner is told to type. Each carries a stable name
#
#     ```{code-block} bash
#     :name: array-submit
#     sbatch --array=... slurm/scikit_example/array.sh
#     ```
#
# and the test that runs it names it: it asks for the block with `command("array-jobs.md",
# "array-submit")`, or runs the page's blocks whole (`learner_blocks(page)`, or
# lessontest.recording's page sessions). Tests never keep a copy of a page's commands.
# tests/site/test_page_commands_are_named_by_tests.py reads the tests' source and fails on a
# block that no test names. Blocks with `:class: site-specific` show what differs between
# clusters and are not run.

SHELL_LANGUAGES = {"bash", "sh", "shell", "console"}


def is_command_block(block: Block) -> bool:
    if not block.is_directive:
        return block.name in SHELL_LANGUAGES
    return block.name in ("code-block", "code", "sourcecode") and block.argument in SHELL_LANGUAGES


def is_site_specific(block: Block) -> bool:
    return "site-specific" in block.classes


_command_blocks: dict[tuple[str, str], Block] | None = None


def command_blocks() -> dict[tuple[str, str], Block]:
    """{(page file name, block name): block} of every named command block of every page."""
    global _command_blocks
    if _command_blocks is None:
        found = {}
        for page in content_pages():
            for block in page.blocks:
                if is_command_block(block) and "name" in block.options:
                    found[(page.path.name, block.options["name"])] = block
        _command_blocks = found
    return _command_blocks


def learner_blocks(page: str) -> list[str]:
    """The names of the page's command blocks that learners type (not the site-specific ones),
    in page order."""
    found = [
        (block.line, name)
        for (on, name), block in command_blocks().items()
        if on == page and not is_site_specific(block)
    ]
    return [name for _, name in sorted(found)]


def command(page: str, name: str) -> str:
    """The text of the command block `name` on `page` ("array-jobs.md"), exactly as the page
    shows it, ending in one newline (so blocks typed one after another can be joined)."""
    block = command_blocks().get((page, name))
    assert block is not None, f"{page} has no command block named {name!r}"
    return block.body.rstrip("\n") + "\n"


def command_lines(page: str, name: str) -> list[str]:
    """The block's non-empty lines (a line ending in a backslash continues on the next)."""
    return [line for line in command(page, name).replace("\\\n", " ").splitlines() if line.strip()]


def session_blocks(page: str) -> list[str]:
    """The blocks a learner types while following `page`, in page order: every learner block
    except those in an exercise's solution, which answer a case of their own (another test
    names and runs them)."""
    inside_solutions = {
        name
        for (on, name), block in command_blocks().items()
        if on == page and "solution" in block.parents
    }
    return [name for name in learner_blocks(page) if name not in inside_solutions]
