"""Record what the cluster answers to the commands of the pages that show real output.

`make record` (needs the practice cluster: `make cluster-up`) runs, for each page that includes a
file from _generated/recorded/, every command block of the page in page order, in one shell, in the
folder a learner has when they reach the page (for a page of an optional track, code/ as the core
path's commands left it; else a fresh copy of code/), as a learner types them; it keeps what the
page shows in recordings/<page>.json (lessontest.recording says how, and how the tests
check that a fresh run still has the same shape). `make record PAGES=right-sizing.md` records one
page.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent

from lessontest import recording, shared
from lessontest.paths import CONTENT
from lessontest.shell import run
from lessontest.tree import copy_code


def recorded_pages() -> list[str]:
    return [p.name for p in sorted(CONTENT.glob("*.md")) if recording.shown_outputs(p.name)]


def versions() -> dict[str, str]:
    found = {name: importlib.metadata.version(name) for name in ("snakemake", "scikit-learn")}
    found["slurm"] = run(["sinfo", "--version"], ROOT).stdout.strip()
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="pages to record (default: every such page)")
    args = parser.parse_args(argv)
    pages = args.pages or recorded_pages()
    unknown = sorted(set(pages) - set(recorded_pages()))
    if unknown:
        sys.exit(f"record_outputs: no recorded output is shown on {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="lesson-after-core-") as core_tmp:
        after_core = None
        for page in pages:
            with tempfile.TemporaryDirectory(prefix="lesson-record-") as tmp:
                if recording.starts_after_core(page):
                    if after_core is None:  # made once, for every such page
                        after_core = shared.make_after_core(pathlib.Path(core_tmp))
                    code = shared.copy_state(after_core, pathlib.Path(tmp) / "code")
                else:
                    code = copy_code(pathlib.Path(tmp))
                ran = recording.run_session(page, code)
            path = recording.save(page, ran, versions())
            print(f"{page}: wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
