"""How long the site takes to build: a clean build and a no-change rebuild, side by side.

    make bench-build          (or: .venv/bin/python lessontest/build_speed.py [--rebuilds N])

The work tree's sources (what git tracks plus new files it does not ignore) are copied to a
temporary folder, so the clean build really starts from nothing: no _build/, no _generated/, no
jupyter cache, and nobody else's build in the work tree is disturbed. Each build is what `make html`
runs: `python -m lessontest.generate`, then
`jupyter-book build . --warningiserror --nitpick --keep-going`.

1. clean build: generators make every product, every page is read, the notebook is executed;
2. no-change rebuild, N times (default 3): nothing changed, so nothing should be regenerated, read
   again or executed.

For the rebuilds the script also reports what Sphinx re-read and whether a generator ran, so that a
slow rebuild names its cause. Results go to bench/results/build_speed.txt (and .json). Floors
(on the 2-core CI machine): clean build at most 90 s, no-change rebuild at most 5 s; the exit
status is 1 when a floor is missed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
FLOORS = {"clean": 90.0, "rebuild": 5.0}
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def source_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted(name for name in set(out.split("\0")) if name and (ROOT / name).is_file())


def copy_tree(target: pathlib.Path) -> int:
    files = source_files()
    for name in files:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination)
    return len(files)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], cwd: pathlib.Path, env: dict, cpu: list[float]) -> tuple[float, str, int]:
    """Wall time of one command; its CPU time (user + system, with the processes it waited for,
    such as the notebook's kernel) is appended to `cpu`."""
    cpu_before = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    cpu.append(_children_cpu() - cpu_before)
    return elapsed, ANSI.sub("", proc.stdout + proc.stderr), proc.returncode


def run_generators(tree: pathlib.Path, env: dict, cpu: list[float]) -> tuple[float, str, int, dict]:
    """lessontest/generate.py as `make html` runs it, timing each generator from the line it prints
    ("generate: NAME", flushed) as it starts one."""
    cpu_before = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "lessontest.generate"],
        cwd=tree,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    lines, marks = [], []
    for line in proc.stdout:
        lines.append(line)
        match = re.match(r"^generate: (\S+)$", line.strip())
        if match:
            marks.append((match.group(1), time.perf_counter()))
    status = proc.wait()
    end = time.perf_counter()
    cpu.append(_children_cpu() - cpu_before)
    per_generator = {
        name: round((marks[i + 1][1] if i + 1 < len(marks) else end) - at, 2)
        for i, (name, at) in enumerate(marks)
    }
    return end - start, "".join(lines), status, per_generator


def build(tree: pathlib.Path, env: dict) -> dict:
    cpu: list[float] = []
    generate_s, generate_out, status, per_generator = run_generators(tree, env, cpu)
    if status != 0:
        sys.exit(f"build_speed: lessontest/generate.py failed ({status}):\n{generate_out[-4000:]}")
    book_s, book_out, status = timed(
        ["jupyter-book", "build", ".", "--warningiserror", "--nitpick", "--keep-going"],
        tree,
        env,
        cpu,
    )
    # With --keep-going a page's warnings still give a whole site, so the timing stands; the
    # warnings are reported. Without a site there is nothing to time.
    if not (tree / "_build" / "html" / "index.html").exists():
        sys.exit(f"build_speed: jupyter-book build made no site ({status}):\n{book_out[-4000:]}")
    warnings = [
        line
        for line in book_out.splitlines()
        if re.search(r"(WARNING|ERROR|CRITICAL):", line) and "IPKernelApp" not in line
    ]
    reread = sorted(set(re.findall(r"reading sources\.\.\. \[\s*\d+%\]\s+(\S+)", book_out)))
    executed = sorted(set(re.findall(r"(\S+): Executing notebook", book_out)))
    updated = re.search(r"updating environment: (.*)", book_out)
    return {
        "total_s": round(generate_s + book_s, 2),
        "generate_s": round(generate_s, 2),
        "jupyter_book_s": round(book_s, 2),
        "cpu_s": round(sum(cpu), 2),
        "generators_run": sorted(per_generator),
        "generator_s": per_generator,
        "docs_read": reread,
        "notebooks_executed": [pathlib.Path(p).name for p in executed],
        "environment": updated.group(1).strip() if updated else "",
        "build_status": status,
        "warnings": warnings,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rebuilds", type=int, default=3, help="no-change rebuilds to time (default 3)"
    )
    args = parser.parse_args(argv)
    if args.rebuilds < 1:
        parser.error("--rebuilds must be at least 1")
    if shutil.which("jupyter-book") is None:
        sys.exit("build_speed: jupyter-book is not on PATH (run through 'make bench-build')")

    env = dict(os.environ)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="build-speed-") as tmp:
        tree = pathlib.Path(tmp) / "lesson"
        copied = copy_tree(tree)
        print(f"build_speed: copied {copied} source files to {tree}", flush=True)
        print("build_speed: clean build (with notebook execution) ...", flush=True)
        clean = build(tree, env)
        print(f"build_speed:   {clean['total_s']:.1f} s", flush=True)
        rebuilds = []
        for number in range(1, args.rebuilds + 1):
            print(f"build_speed: no-change rebuild {number}/{args.rebuilds} ...", flush=True)
            rebuilds.append(build(tree, env))
            print(f"build_speed:   {rebuilds[-1]['total_s']:.1f} s", flush=True)
    load_after = os.getloadavg()

    rebuild_median = statistics.median(r["total_s"] for r in rebuilds)
    result = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
        },
        "clean": clean,
        "rebuilds": rebuilds,
        "rebuild_median_s": rebuild_median,
        "clean_over_rebuild": round(clean["total_s"] / rebuild_median, 1)
        if rebuild_median
        else None,
        "floors_s": FLOORS,
        "meets_floors": {
            "clean": clean["total_s"] <= FLOORS["clean"],
            "rebuild": rebuild_median <= FLOORS["rebuild"],
        },
    }

    def row(name, r):
        return (
            f"{name:<22} {r['total_s']:>8.1f} {r['generate_s']:>10.1f} {r['jupyter_book_s']:>14.1f}"
            f" {r['cpu_s']:>8.1f} {len(r['docs_read']):>10} {len(r['notebooks_executed']):>10}"
        )

    lines = [
        f"Site build speed, {result['date']}, {os.cpu_count()} CPUs, load average "
        f"{load_before[0]:.2f} before / {load_after[0]:.2f} after",
        "",
        f"{'build':<22} {'total s':>8} {'generate s':>10} {'jupyter-book s':>14} {'CPU s':>8} "
        f"{'docs read':>10} {'notebooks':>10}",
        row("clean", clean),
        *[row(f"no-change rebuild {i}", r) for i, r in enumerate(rebuilds, 1)],
        "",
        f"clean build {clean['total_s']:.1f} s (floor {FLOORS['clean']:.0f} s): "
        f"{'meets' if result['meets_floors']['clean'] else 'MISSES'} the floor",
        f"no-change rebuild, median of {len(rebuilds)}: {rebuild_median:.1f} s "
        f"(floor {FLOORS['rebuild']:.0f} s): "
        f"{'meets' if result['meets_floors']['rebuild'] else 'MISSES'} the floor",
        f"clean / no-change rebuild: {result['clean_over_rebuild']}x",
        "(wall times are the floors' measure; CPU s is user + system time of the build's "
        "processes, which",
        " a busy machine does not inflate: on an idle machine a build's wall time is close to its "
        "CPU time)",
    ]
    slow_causes = sorted({doc for r in rebuilds for doc in r["docs_read"]})
    generators = sorted({g for r in rebuilds for g in r["generators_run"]})
    notebooks = sorted({n for r in rebuilds for n in r["notebooks_executed"]})
    lines.append("re-read on a no-change rebuild: " + (", ".join(slow_causes) or "nothing"))
    lines.append("generators run on a no-change rebuild: " + (", ".join(generators) or "none"))
    lines.append("notebooks executed on a no-change rebuild: " + (", ".join(notebooks) or "none"))
    lines.append(
        "clean build, seconds per generator: "
        + ", ".join(
            f"{name} {seconds:.1f}"
            for name, seconds in sorted(clean["generator_s"].items(), key=lambda kv: -kv[1])
        )
    )
    warned = sorted({w for r in [clean, *rebuilds] for w in r["warnings"]})
    if warned:
        lines.append("")
        lines.append(
            f"the strict build reported {len(warned)} warning(s) "
            "(timings stand; the pages need fixing):"
        )
        lines.extend(f"  {w}" for w in warned)
    report = "\n".join(lines) + "\n"
    print("\n" + report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "build_speed.txt").write_text(report, encoding="utf-8")
    (RESULTS / "build_speed.json").write_text(
        json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return 0 if all(result["meets_floors"].values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
