"""What the cluster answered to a page's commands, as the page shows it.

recordings/<page>.json is written by `make record` (lessontest/record.py), which
runs the page's own blocks on the practice cluster; each output the page shows becomes
_generated/recorded/<page>/<block>.txt, which the page includes right after the block. Nothing
here is typed by hand, and tests/on_cluster checks that a fresh run still looks the same.
"""

from __future__ import annotations

import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
RECORDS = sorted((ROOT / "recordings").glob("*.json"))
INPUTS = ["recordings/*.json"]


def _shown(path: pathlib.Path) -> dict[str, str]:
    record = json.loads(path.read_text(encoding="utf-8"))
    shown = record.get("shown")
    if not isinstance(shown, dict) or not all(isinstance(t, str) and t for t in shown.values()):
        raise ValueError(f"{path.relative_to(ROOT)}: no output, or an empty one, to show")
    return shown


OUTPUTS = [
    f"_generated/recorded/{path.stem}/{name}.txt" for path in RECORDS for name in _shown(path)
]


def generate(root: pathlib.Path) -> None:
    for path in RECORDS:
        folder = root / "_generated" / "recorded" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in _shown(path).items():
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
