"""Reading back what yadage printed."""

from __future__ import annotations

import re


def ran_tasks(log: str) -> set[str]:
    """Steps whose command really ran: packtivity logs 'pack.<step>.step | INFO | running [...]'."""
    return set(re.findall(r"pack\.(\w+)\.step \|\s+INFO \| running \[", log))
