"""bench/run_bench.py on a cluster of several nodes: it waits until every node is idle before a
run. A fake `sinfo` on PATH plays the cluster, so no cluster is needed."""

from __future__ import annotations

import os

import pytest
import run_bench


@pytest.fixture
def sinfo_says(tmp_path, monkeypatch):
    """Make `sinfo` print the given node states, one per line."""

    def say(*states: str) -> None:
        fake = tmp_path / "sinfo"
        fake.write_text("#!/bin/sh\nprintf '%s\\n' " + " ".join(states) + "\n")
        fake.chmod(0o755)
        monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")

    return say


def test_every_node_idle_is_idle(sinfo_says):
    sinfo_says("idle", "idle")
    assert run_bench.node_state() == ["idle", "idle"]
    run_bench.wait_idle(timeout=5)  # returns at once


def test_one_busy_node_is_waited_for(sinfo_says, capsys):
    sinfo_says("idle", "mixed")
    with pytest.raises(SystemExit, match=r"the nodes stayed busy \(idle mixed\) for 1 s"):
        run_bench.wait_idle(timeout=1)
    assert "waiting for other jobs on the nodes to finish" in capsys.readouterr().out
