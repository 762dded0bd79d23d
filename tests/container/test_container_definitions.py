"""The container recipes install exactly the environment the lesson's example is tested with.

No image is built here: this machine has no Docker engine and no Apptainer. These tests read
code/container/Dockerfile and code/container/apptainer.def as text and check what they would
install against the project's pins and against what the example's scripts import. They cannot
show that a build succeeds (for that, the recipes run `pip check` at build time).
"""

from __future__ import annotations

import ast
import pathlib
import re
import sys
from importlib.metadata import packages_distributions, requires, version

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from lessontest.paths import ROOT

DOCKERFILE = ROOT / "code" / "container" / "Dockerfile"
APPTAINER_DEF = ROOT / "code" / "container" / "apptainer.def"
EXAMPLE = ROOT / "code" / "python" / "scikit_example"


def read_pins(path: pathlib.Path) -> dict[str, str]:
    """name -> version of every `NAME==VERSION` line in a pip requirements file."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line and not line.startswith("-"):
            name, ver = line.split("==", 1)
            pins[canonicalize_name(name.split("[")[0])] = ver.strip()
    return pins


def logical_lines(text: str) -> list[str]:
    """Join shell/Dockerfile lines continued with a trailing backslash."""
    lines, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
        else:
            lines.append(current + stripped)
            current = ""
    if current:
        lines.append(current)
    return lines


def pip_installs(lines: list[str]) -> list[list[str]]:
    """The argument lists of every `pip install` command in the given logical lines."""
    commands = []
    for line in lines:
        for part in re.split(r"&&|;", line):
            words = part.split()
            if len(words) >= 2 and words[0] in ("pip", "pip3") and words[1] == "install":
                commands.append(words[2:])
            elif words[:2] == ["RUN", "pip"] and words[2:3] == ["install"]:
                commands.append(words[3:])
    return commands


def dockerfile_installs() -> list[list[str]]:
    return pip_installs(logical_lines(DOCKERFILE.read_text()))


def def_sections(text: str) -> dict[str, str]:
    """The %sections of an Apptainer definition file, and its header under the key 'header'."""
    sections, name, body = {}, "header", []
    for line in text.splitlines():
        match = re.match(r"^%(\w+)", line)
        if match:
            sections[name] = "\n".join(body)
            name, body = match.group(1), []
        else:
            body.append(line)
    sections[name] = "\n".join(body)
    return sections


def def_installs() -> list[list[str]]:
    return pip_installs(logical_lines(def_sections(APPTAINER_DEF.read_text())["post"]))


def pinned(args: list[str]) -> dict[str, str]:
    """name -> version for the `NAME==VERSION` arguments; fails on any unpinned package."""
    result = {}
    for arg in args:
        if arg.startswith("-"):
            continue
        assert "==" in arg, f"package {arg!r} is installed without an exact version"
        name, ver = arg.split("==", 1)
        result[canonicalize_name(name)] = ver
    return result


def imported_third_party() -> set[str]:
    """Top-level modules the example's scripts import that are neither stdlib nor its own files."""
    own = {path.stem for path in EXAMPLE.glob("*.py")}
    found = set()
    for path in sorted(EXAMPLE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in own:
                    found.add(top)
    return found


def dependency_closure(direct: list[str]) -> dict[str, str]:
    """Every distribution the direct ones need on this platform, with the installed versions."""
    seen: dict[str, str] = {}
    todo = [canonicalize_name(name) for name in direct]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen[name] = version(name)
        for text in requires(name) or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(req.name))
    return seen


def test_each_recipe_has_one_pip_install_without_dependency_resolution():
    for name, installs in (
        ("Dockerfile", dockerfile_installs()),
        ("apptainer.def", def_installs()),
    ):
        assert len(installs) == 1, f"{name}: expected one pip install, found {len(installs)}"
        assert "--no-deps" in installs[0], (
            f"{name}: without --no-deps pip may add unpinned dependencies"
        )
    assert "pip check" in DOCKERFILE.read_text()
    assert "pip check" in def_sections(APPTAINER_DEF.read_text())["post"]


def test_both_recipes_install_the_same_exact_versions():
    docker = pinned(dockerfile_installs()[0])
    apptainer = pinned(def_installs()[0])
    assert docker == apptainer


def test_direct_dependencies_match_requirements_txt():
    requirements = read_pins(ROOT / "requirements.txt")
    docker = pinned(dockerfile_installs()[0])
    for name in ("numpy", "scikit-learn", "matplotlib"):
        assert docker.get(name) == requirements[name], (
            f"{name}: container installs {docker.get(name)}, "
            f"requirements.txt pins {requirements[name]}"
        )


def test_recipes_install_the_whole_dependency_closure_at_the_constrained_versions():
    """The list is complete (nothing left for pip to pick).

    Every version is the project's pin.
    """
    constraints = read_pins(ROOT / "constraints.txt")
    docker = pinned(dockerfile_installs()[0])
    direct = [
        dist
        for dists in (packages_distributions().get(m, []) for m in imported_third_party())
        for dist in dists
    ]
    closure = dependency_closure(direct)
    expected = {name: constraints[name] for name in closure}
    assert closure == expected, "the project's venv differs from constraints.txt"
    listing = " \\\n".join(f"        {n}=={v}" for n, v in sorted(expected.items()))
    assert docker == expected, f"the recipes should install exactly:\n{listing}"


def test_every_third_party_import_of_the_example_is_installed():
    modules = imported_third_party()
    # Guards against a parser that finds nothing: the example certainly uses these.
    assert {"numpy", "sklearn", "matplotlib"} <= modules
    installed = set(pinned(dockerfile_installs()[0]))
    distributions = packages_distributions()
    for module in sorted(modules):
        dists = {canonicalize_name(d) for d in distributions.get(module, [])}
        assert dists, f"module {module} is imported by the example but not installed in the venv"
        assert dists & installed, f"module {module} (from {sorted(dists)}) is not in the container"


def test_base_image_is_the_python_the_lesson_uses():
    docker_from = [
        line.split()[1]
        for line in logical_lines(DOCKERFILE.read_text())
        if line.startswith("FROM ")
    ]
    header = def_sections(APPTAINER_DEF.read_text())["header"]
    fields = dict(re.findall(r"^(\w+):\s*(\S+)", header, flags=re.M))
    assert fields.get("Bootstrap") == "docker"
    assert docker_from == [fields["From"]], "both recipes should start from the same image"
    match = re.fullmatch(r"python:(\d+)\.(\d+)-slim(-\w+)?", docker_from[0])
    assert match, f"unexpected base image {docker_from[0]}"
    assert (int(match.group(1)), int(match.group(2))) == sys.version_info[:2]


def test_both_recipes_set_the_same_environment():
    """Headless matplotlib and no user site-packages, in both images."""
    docker_env = " ".join(
        line for line in logical_lines(DOCKERFILE.read_text()) if line.startswith("ENV ")
    )
    apptainer_env = def_sections(APPTAINER_DEF.read_text())["environment"]
    for setting in ("MPLBACKEND=Agg", "PYTHONNOUSERSITE=1"):
        assert setting in docker_env
        assert f"export {setting}" in apptainer_env


def test_recipes_do_not_copy_the_code_into_the_image():
    """The code is mounted at run time, so that editing it needs no rebuild."""
    docker_lines = logical_lines(DOCKERFILE.read_text())
    assert not [line for line in docker_lines if line.startswith(("COPY", "ADD"))]
    assert "files" not in def_sections(APPTAINER_DEF.read_text())
