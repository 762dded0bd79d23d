"""Every command a page tells learners to type is run by a test that names it.

A page's command block carries a name (```{code-block} bash + `:name: array-submit`), and the test
that runs it names it: it asks for it, `command("array-jobs.md", "array-submit")`, or it runs the
page's blocks whole, in page order (`recording.page_session("cores.md")`, ...). These checks read
the tests' source (with `ast`: string constants, names bound to them, calls), without running
anything: every command block is named unless it is site-specific, no name is used twice, every
named block is named by a test module, and every block a test asks for by name is on its page.
"""

from __future__ import annotations

import ast
import collections
import dataclasses
import pathlib

from lessontest import pages as site
from lessontest.paths import ROOT


def _outside_solutions(block: site.Block) -> bool:
    return "solution" not in block.parents


# Functions that take a page and give, or run, its learner blocks in page order: a test that calls
# one with a page names the blocks it covers (recording's sessions leave out the blocks of an
# exercise's solution, which answer a case of their own; learner_blocks gives every block).
RUN_WHOLE = {
    "learner_blocks": lambda block: True,
    "session_blocks": _outside_solutions,
    "run_session": _outside_solutions,
    "page_session": _outside_solutions,
}
# Functions that take (page, block name) and give that block's text.
ASK_ONE = {"command", "command_lines"}


@dataclasses.dataclass
class Source:
    """What one Python file says about pages: its string constants, the pages it runs whole
    ({page: functions}), the blocks it asks for by name, the lessontest modules it imports."""

    strings: set[str]
    whole: dict[str, set[str]]
    asked: list[tuple[int, str, str]]  # (line, page, block name) of a command() call
    imports: set[str]


def _called(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _own_nodes(node: ast.AST):
    """The nodes of a module or function, not those of the functions defined in it."""
    for child in ast.iter_child_nodes(node):
        yield child
        if not isinstance(child, _FUNCTIONS):
            yield from _own_nodes(child)


def _bindings(scope: ast.AST) -> dict[str, list[ast.expr]]:
    """Every value a name is given in a module or function: `PAGE = "cores.md"`, `for page in
    CHAPTERS`; a function's parameters have none that can be read here."""
    bound = collections.defaultdict(list)
    if isinstance(scope, _FUNCTIONS):
        for argument in ast.walk(scope.args):
            if isinstance(argument, ast.arg):
                bound[argument.arg] = []
    for node in _own_nodes(scope):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, (ast.For, ast.comprehension)):
            targets, value = [node.target], node.iter
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                bound[target.id].append(value)
    return bound


def _calls(node: ast.AST, scopes: list[dict]):
    """Every call in `node`, with the bindings of the scopes it is in, innermost first."""
    for child in ast.iter_child_nodes(node):
        inner = [_bindings(child), *scopes] if isinstance(child, _FUNCTIONS) else scopes
        if isinstance(child, ast.Call):
            yield child, scopes
        yield from _calls(child, inner)


def _imports(tree: ast.AST) -> tuple[set[str], dict[str, str]]:
    """The lessontest modules the file imports, and the names it imports from them."""
    modules, names = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("lessontest."):
                    modules.add(alias.name.split(".")[1])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lessontest"):
            if node.module == "lessontest":
                modules.update(alias.name for alias in node.names)
            else:
                module = node.module.split(".")[1]
                modules.add(module)
                names.update({alias.asname or alias.name: module for alias in node.names})
    return modules, names


def scan(sources: dict[pathlib.Path, str]) -> dict[pathlib.Path, Source]:
    """Each file's Source. A name is followed to the strings it is given in the function or
    module it is used in, or in the lessontest module it is imported from (`from
    lessontest.assignment import FURTHER`); a function's parameter is not followed."""
    trees = {path: ast.parse(text) for path, text in sources.items()}
    module_level = {path: _bindings(tree) for path, tree in trees.items()}
    imported = {path: _imports(tree)[1] for path, tree in trees.items()}

    def strings_of(node, scopes, path, seen=frozenset()) -> set[str]:
        if isinstance(node, ast.Constant):
            return {node.value} if isinstance(node.value, str) else set()
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return set().union(*(strings_of(e, scopes, path, seen) for e in node.elts))
        if not isinstance(node, ast.Name) or node in seen:
            return set()  # a value made at run time: not followed
        seen = seen | {node}
        for depth, scope in enumerate(scopes):
            if node.id in scope:
                values = scope[node.id]
                return set().union(*(strings_of(v, scopes[depth:], path, seen) for v in values))
        helper = ROOT / "lessontest" / f"{imported[path].get(node.id)}.py"
        if helper in trees and node.id in module_level[helper]:
            values = module_level[helper][node.id]
            return set().union(
                *(strings_of(v, [module_level[helper]], helper, seen) for v in values)
            )
        return set()

    found = {}
    for path, tree in trees.items():
        source = Source(set(), collections.defaultdict(set), [], _imports(tree)[0])
        source.strings = {
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        }
        for call, scopes in _calls(tree, [module_level[path]]):
            called, args = _called(call), call.args
            if called in RUN_WHOLE and args:
                for page in strings_of(args[0], scopes, path):
                    source.whole[page].add(called)
            elif called in ASK_ONE and len(args) == 2:
                for page in strings_of(args[0], scopes, path):
                    for name in strings_of(args[1], scopes, path):
                        source.asked.append((call.lineno, page, name))
        found[path] = source
    return found


def module_groups(found: dict[pathlib.Path, Source]) -> dict[pathlib.Path, list[Source]]:
    """Each test module with what works together with it: the other files of its folder that
    are not test modules (conftest.py, shared helpers) and the lessontest modules it imports."""
    modules = {}
    for path, source in found.items():
        if path.name.startswith("test_") and path.is_relative_to(ROOT / "tests"):
            siblings = [
                other
                for other_path, other in found.items()
                if other_path.parent == path.parent and not other_path.name.startswith("test_")
            ]
            helpers = [found.get(ROOT / "lessontest" / f"{name}.py") for name in source.imports]
            modules[path] = [source, *siblings, *(h for h in helpers if h)]
    return modules


def names_block(module: list[Source], page: str, name: str, block: site.Block) -> bool:
    """Whether a test module (with its conftest and helpers) names the block on `page`: it holds
    the page's file name and the block's name as strings, or runs the page whole."""
    strings = set().union(*(source.strings for source in module))
    if page in strings and name in strings:
        return True
    called = set().union(*(source.whole.get(page, set()) for source in module))
    return any(RUN_WHOLE[function](block) for function in called)


def unnamed_blocks(blocks: dict[tuple[str, str], site.Block], sources) -> list[str]:
    """The learner blocks (named, not site-specific) that no test module names."""
    modules = module_groups(scan(sources)).values()
    return [
        f"{block.where}: {name}"
        for (page, name), block in blocks.items()
        if not site.is_site_specific(block)
        and not any(names_block(module, page, name, block) for module in modules)
    ]


def _sources() -> dict[pathlib.Path, str]:
    """Every test module and helper of tests/, and lessontest's modules, but this file (its
    examples are no test of the pages)."""
    paths = sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "lessontest").glob("*.py"))
    return {p: p.read_text(encoding="utf-8") for p in paths if p != pathlib.Path(__file__)}


def _command_blocks(pages):
    return [b for page in pages for b in page.blocks if site.is_command_block(b)]


def test_every_command_block_is_named_or_site_specific(pages):
    unnamed = [
        f"{b.where}: {b.body.strip().splitlines()[0] if b.body.strip() else '(empty)'}"
        for b in _command_blocks(pages)
        if "name" not in b.options and not site.is_site_specific(b)
    ]
    assert not unnamed, (
        "command blocks a test must run need a stable name (```{code-block} bash + :name: ...);\n"
        "blocks no test runs are marked :class: site-specific:\n" + "\n".join(unnamed)
    )


def test_block_names_are_unique(pages):
    names = collections.Counter(
        b.options["name"] for b in _command_blocks(pages) if "name" in b.options
    )
    assert not [name for name, count in names.items() if count > 1]


def test_every_named_block_is_named_by_a_test():
    missing = unnamed_blocks(site.command_blocks(), _sources())
    assert not missing, (
        "command blocks no test module names (ask for the block with\n"
        "lessontest.pages.command(PAGE, NAME), the page's file name and the block's name written\n"
        "out, or run the page whole with lessontest.recording.page_session(PAGE)):\n"
        + "\n".join(missing)
    )


def test_every_block_a_test_asks_for_is_on_its_page():
    blocks = site.command_blocks()
    gone = [
        f"{path.relative_to(ROOT)}:{line}: {page}#{name}"
        for path, source in scan(_sources()).items()
        for line, page, name in source.asked
        if page.endswith(".md") and (page, name) not in blocks
    ]
    assert not gone, "tests ask for command blocks no page has:\n" + "\n".join(gone)


# --- The check itself, on a made-up page and made-up tests --------------------------------------

PAGE = """\
```{code-block} bash
:name: fake-submit
sbatch job.sh
```

```{code-block} bash
:name: fake-watch
squeue --me
```

```{code-block} bash
:name: fake-module
:class: site-specific
module load python
```
"""
ASKS_FOR_ONE = """
from lessontest.pages import command

PAGE = "fake.md"


def test_submit():
    run(command(PAGE, "fake-submit"))
"""
RUNS_IT_WHOLE = """
from lessontest import recording

ran = recording.page_session("fake.md")
"""


def _fake(*tests: str) -> list[str]:
    path = ROOT / "content" / "fake.md"
    blocks = {(path.name, b.options["name"]): b for b in site.parse_blocks(path, PAGE)}
    sources = {ROOT / "tests" / "fake" / f"test_{n}.py": text for n, text in enumerate(tests)}
    return unnamed_blocks(blocks, sources)


def test_a_block_no_test_names_is_reported_with_its_page():
    assert _fake(ASKS_FOR_ONE) == ["content/fake.md:6: fake-watch"]


def test_a_block_name_without_the_page_does_not_name_it():
    assert _fake(ASKS_FOR_ONE.replace('"fake.md"', '"other.md"')) == [
        "content/fake.md:1: fake-submit",
        "content/fake.md:6: fake-watch",
    ]


def test_a_page_session_names_every_block_of_its_page():
    assert _fake(RUNS_IT_WHOLE) == []
