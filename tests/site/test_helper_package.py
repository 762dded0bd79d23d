"""The helper package lessontest: imported by name, never by path, with no import cycle, and never
by the learners' code (which runs on its own from the download)."""

from __future__ import annotations

import ast
import pathlib

import pytest

from lessontest.paths import ROOT

PACKAGE = ROOT / "lessontest"
# Where the project's own Python lives outside the learners' tree.
MACHINERY = ("lessontest", "tests", "tools", "_ext")
LEARNERS = ("code", "exercises", "solutions", "bench")
# The one place that runs a learner's script inside the test process, as `python SCRIPT` would:
# it puts the script's own folder first on sys.path, like Python does.
IN_PROCESS_RUNNER = PACKAGE / "shell.py"


def _python_files(folders) -> list[pathlib.Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def path_hacks(tree: ast.AST) -> list[str]:
    """What in a module loads code by path: sys.path edits, runpy, importlib's loaders."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "path":
            if isinstance(node.value, ast.Name) and node.value.id == "sys":
                found.append(f"line {node.lineno}: sys.path")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names]
            for name in names:
                if name and (name == "runpy" or name.startswith("importlib.util")):
                    found.append(f"line {node.lineno}: import {name}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in {"import_module", "spec_from_file_location", "run_path"}:
                found.append(f"line {node.lineno}: {node.func.attr}()")
    return found


@pytest.mark.parametrize(
    "source, hacks",
    [
        ("import sys\nsys.path.insert(0, 'x')\n", 1),
        ("import runpy\nrunpy.run_path('x.py')\n", 2),
        ("import importlib\nimportlib.import_module('x')\n", 1),
        ("from lessontest import tree\ntree.copy_code('x')\n", 0),
    ],
)
def test_the_path_hack_finder(source, hacks):
    assert len(path_hacks(ast.parse(source))) == hacks


def test_nothing_loads_the_projects_code_by_path():
    offenders = [
        f"{path.relative_to(ROOT)} {hack}"
        for path in _python_files(MACHINERY)
        if path != IN_PROCESS_RUNNER
        for hack in path_hacks(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not offenders, "load lessontest by name (it is installed):\n" + "\n".join(offenders)


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: pathlib.Path) -> set[str]:
    """The lessontest modules a module imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lessontest"):
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("lessontest"))
    return found


def test_the_package_has_no_import_cycle():
    modules = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
    graph = {
        name: {other for other in _imports(path) if other in modules and other != name}
        for name, path in modules.items()
    }
    done, trail = set(), []

    def visit(name):
        if name in trail:
            cycle = trail[trail.index(name) :] + [name]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        trail.append(name)
        for other in sorted(graph[name]):
            visit(other)
        trail.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)
    assert "lessontest.generate" in done and "lessontest.tree" in done


def test_the_learners_code_does_not_use_the_package():
    users = [
        str(path.relative_to(ROOT))
        for path in _python_files(LEARNERS)
        if any(m.split(".")[0] == "lessontest" for m in _imports(path))
    ]
    assert not users
