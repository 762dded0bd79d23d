"""What pages show from files: the files exist, line ranges fit, a test looks after each file."""

from __future__ import annotations

import ast
import pathlib
import types

from sphinx.directives.code import LiteralIncludeReader
from sphinx.util import parselinenos

from lessontest import generate
from lessontest import pages as site
from lessontest.paths import ROOT

# Options of {literalinclude} that choose which lines are shown (all but :lines: are applied first).
_SELECTING = ("pyobject", "start-at", "start-after", "end-at", "end-before")


def _includes(pages):
    return [
        b for page in pages for b in page.blocks if b.is_directive and b.name == "literalinclude"
    ]


def _generated_outputs() -> set[str]:
    """Every file the build's generators promise to make (their OUTPUTS)."""
    return {output for module in generate.GENERATORS for output in module.OUTPUTS}


def _exists_or_generated(path: pathlib.Path) -> bool:
    try:
        relative = path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.exists()
    return path.exists() or relative in _generated_outputs()


def test_pages_were_found(pages):
    names = {page.path.name for page in pages}
    assert {"index.md", "setup.md", "introduction.md", "exercises.md"} <= names


def test_every_literalinclude_target_exists(pages):
    includes = _includes(pages)
    missing = [
        f"{b.where}: {b.argument}"
        for b in includes
        if not _exists_or_generated(site.resolve(b.page, b.argument))
    ]
    assert not missing, "literalinclude targets that do not exist:\n" + "\n".join(missing)


def test_every_download_target_exists(pages):
    missing = []
    for page in pages:
        for target, line in site.download_targets(page):
            if not _exists_or_generated(site.resolve(page.path, target)):
                missing.append(f"{page.path.relative_to(ROOT)}:{line}: {target}")
    assert not missing, (
        "download targets that do not exist (and no generator makes):\n" + "\n".join(missing)
    )


def test_every_image_and_figure_target_exists(pages):
    missing = []
    for page in pages:
        for b in page.blocks:
            if b.is_directive and b.name in ("image", "figure") and "://" not in b.argument:
                if not _exists_or_generated(site.resolve(b.page, b.argument)):
                    missing.append(f"{b.where}: {b.argument}")
    assert not missing, "image/figure targets that do not exist:\n" + "\n".join(missing)


def _shown_line_count(path: pathlib.Path, options: dict[str, str]) -> tuple[int, int]:
    """Lines left after the selecting options, before and after :lines: is applied."""
    config = types.SimpleNamespace(source_encoding="utf-8-sig")
    chosen = {k: v for k, v in options.items() if k in _SELECTING}
    _, before_lines = LiteralIncludeReader(str(path), chosen, config).read()
    if "lines" not in options:
        return before_lines, before_lines
    _, after_lines = LiteralIncludeReader(
        str(path), {**chosen, "lines": options["lines"]}, config
    ).read()
    return before_lines, after_lines


def test_line_ranges_lie_inside_their_files(pages):
    problems = []
    for b in _includes(pages):
        path = site.resolve(b.page, b.argument)
        if not path.exists() or not ({"lines", "emphasize-lines"} & b.options.keys()):
            continue
        try:
            before, shown = _shown_line_count(path, b.options)
            if "lines" in b.options:
                wanted = parselinenos(b.options["lines"], before)
                if any(n >= before for n in wanted):
                    problems.append(
                        f"{b.where}: :lines: {b.options['lines']} "
                        f"but {b.argument} has {before} lines"
                    )
            if "emphasize-lines" in b.options:
                wanted = parselinenos(b.options["emphasize-lines"], shown)
                if any(n >= shown for n in wanted):
                    problems.append(
                        f"{b.where}: :emphasize-lines: {b.options['emphasize-lines']} "
                        f"but only {shown} lines are shown"
                        f" from {b.argument}"
                    )
        except ValueError as exc:  # a marker that is not in the file, an unreadable line spec
            problems.append(f"{b.where}: {b.argument}: {exc}")
    for page in pages:
        for b in page.blocks:
            if (
                b.is_directive
                and b.name in ("code-block", "code")
                and "emphasize-lines" in b.options
            ):
                count = len(b.body.splitlines())
                try:
                    wanted = parselinenos(b.options["emphasize-lines"], count)
                except ValueError as exc:
                    problems.append(f"{b.where}: {exc}")
                    continue
                if any(n >= count for n in wanted):
                    problems.append(
                        f"{b.where}: :emphasize-lines: {b.options['emphasize-lines']} "
                        f"on a {count}-line block"
                    )
    assert not problems, "line ranges outside the shown text:\n" + "\n".join(problems)


# --- Is every shown file looked after by a test? -------------------------------------------------
#
# What this checks, honestly: that some test module (outside tests/site, which
# only look at pages), together with its folder's conftest.py, NAMES the file, in one of these ways:
#   - as one string such as "code/slurm/x/array.sh";
#   - as the pieces a test joins into its path (ROOT / "code" / "slurm" / "x" and "array.sh");
#   - by naming the workflow folder it belongs to (a folder with a Snakefile, workflow/Snakefile or
#     a yadage workflow.yml), since a test that runs a workflow runs its rules, scripts and configs.
# It cannot prove that the test runs the file; the folder's own tests do that and are reviewed as
# code.
# Files under _generated/ are outputs of the build's generators, which run the code to make them.


def _test_modules() -> dict[pathlib.Path, set[str]]:
    modules, imported = {}, {}
    helpers = sorted((ROOT / "lessontest").glob("*.py"))
    for path in sorted((ROOT / "tests").rglob("*.py")) + helpers:
        relative = path.relative_to(ROOT).parts
        if relative[:2] in (("tests", "site"), ("tests", "browser")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        strings = {
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        }
        pieces = set()
        for s in strings:
            for word in s.split():
                pieces.update(part for part in word.replace("\\", "/").split("/") if part)
        modules[path] = strings | pieces
        imported[path] = {
            ROOT / "lessontest" / f"{name}.py"
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("lessontest")
            for name in [n.module.split(".")[1] if "." in n.module else a.name for a in n.names]
        }
    # A test module works together with its folder's conftest.py (it builds the paths and copies
    # the tests use), so a module counts with its names too ...
    for path in list(modules):
        if not path.name.startswith("test_"):
            continue
        for other in path.parent.glob("*.py"):
            if other != path and not other.name.startswith("test_") and other in modules:
                modules[path] = modules[path] | modules[other]
    # ... and with the helper modules of lessontest/ it imports (such as the template's study.py).
    for path in list(modules):
        if path.name.startswith("test_"):
            for helper in imported[path]:
                modules[path] = modules[path] | modules.get(helper, set())
    return {path: strings for path, strings in modules.items() if path not in helpers}


def _workflow_folders(relative: str) -> list[list[str]]:
    """Path pieces of every folder above the file that holds a whole workflow."""
    found = []
    parts = relative.split("/")
    for depth in range(len(parts) - 1, 0, -1):
        folder = ROOT.joinpath(*parts[:depth])
        if any(
            (folder / marker).is_file()
            for marker in ("Snakefile", "workflow/Snakefile", "workflow.yml")
        ):
            found.append(parts[:depth])
    return found


def _named_by(module_strings: set[str], relative: str) -> bool:
    parts = relative.split("/")
    if any(relative in s for s in module_strings):
        return True
    if any(set(folder) <= module_strings for folder in _workflow_folders(relative)):
        return True
    folder, name = parts[:-1], parts[-1]
    if not set(folder) <= module_strings:
        return False
    return name in module_strings


def test_every_shown_file_is_named_by_a_test(pages):
    shown: dict[str, str] = {}
    for b in _includes(pages):
        path = site.resolve(b.page, b.argument)
        if path.exists() and path.is_relative_to(ROOT):
            shown.setdefault(path.relative_to(ROOT).as_posix(), b.where)
    for page in pages:
        for target, line in site.download_targets(page):
            path = site.resolve(page.path, target)
            relative = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else target
            shown.setdefault(relative, f"{page.path.relative_to(ROOT)}:{line}")
    shown = {k: v for k, v in shown.items() if not k.startswith("_generated/")}
    modules = _test_modules()
    orphans = [
        f"{where}: {relative}"
        for relative, where in sorted(shown.items())
        if not any(_named_by(strings, relative) for strings in modules.values())
    ]
    assert not orphans, "files shown on pages that no test module names:\n" + "\n".join(orphans)
