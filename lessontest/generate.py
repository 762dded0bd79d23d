"""Make the files that pages show but that are computed from the code tree (figures, archives).

Every module of lessontest.generators describes one product (GENERATORS lists them):

    INPUTS  = ["code/snakemake/scikit_example/Snakefile", ...]   # globs, relative to the repo root
    OUTPUTS = ["_generated/snakemake_dag.svg", ...]               # relative to the repo root
    def generate(root: pathlib.Path) -> None: ...                 # writes every OUTPUT

A product is remade only when an output is missing or older than one of its inputs (or than the
generator itself), or, for a module that defines `key()` (such as the site the lesson is built
for), when that key differs from the last build's; so a rebuild with no changes costs nothing.
Outputs go to _generated/, which git ignores. A generator that fails stops the build with its
message: a page never shows a stale picture.
"""

from __future__ import annotations

import pathlib
import sys
import types

from lessontest import generators
from lessontest.generators import (  # noqa: F401  (GENERATORS below lists every one imported here)
    array_figures,
    assignment_dags,
    bench_figures,
    code_archive,
    knn_summary,
    planning_groups,
    planning_overhead,
    recorded_outputs,
    site_files,
    snakemake_dag,
    snakemake_on_slurm,
    yadage_graph,
)
from lessontest.paths import ROOT

# Every product, in the order of the modules' names (tests/site/test_generate.py checks that every
# module of lessontest/generators/ is imported above).
GENERATORS = tuple(
    module
    for _name, module in sorted(vars(generators).items())
    if isinstance(module, types.ModuleType) and hasattr(module, "OUTPUTS")
)
KEYS = ROOT / "_generated" / ".keys"


def _newest(paths) -> float:
    return max((p.stat().st_mtime for p in paths), default=0.0)


def _key_file(source: pathlib.Path) -> pathlib.Path:
    return KEYS / source.stem


def is_stale(module, source: pathlib.Path) -> bool:
    outputs = [ROOT / out for out in module.OUTPUTS]
    if not all(out.exists() for out in outputs):
        return True
    if hasattr(module, "key"):
        kept = _key_file(source)
        if not kept.exists() or kept.read_text() != module.key():
            return True
    inputs = [source]
    for pattern in module.INPUTS:
        inputs.extend(p for p in ROOT.glob(pattern) if p.is_file())
    return _newest(inputs) > min(out.stat().st_mtime for out in outputs)


def main(argv: list[str]) -> int:
    force = "--force" in argv
    for module in GENERATORS:
        source = pathlib.Path(module.__file__)
        if force or is_stale(module, source):
            print(f"generate: {source.stem}", flush=True)
            for out in module.OUTPUTS:
                (ROOT / out).parent.mkdir(parents=True, exist_ok=True)
            module.generate(ROOT)
            missing = [out for out in module.OUTPUTS if not (ROOT / out).exists()]
            if missing:
                print(
                    f"generate: {source.stem} did not write {', '.join(missing)}", file=sys.stderr
                )
                return 1
            if hasattr(module, "key"):
                KEYS.mkdir(parents=True, exist_ok=True)
                _key_file(source).write_text(module.key())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
