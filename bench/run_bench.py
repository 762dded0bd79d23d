"""How much faster does the sweep get on Slurm? Measure every way the lesson runs it, side by side.

`make bench` (needs the local cluster: `make cluster-up`). For each workload (the number of
cross-validation repeats each task does, `--cv-repeats`), the same combinations are trained

  serial            in ONE Slurm job, one after another (bench/serial_sweep.py: one Python start)
  array             as an array job, one task per combination
  custom_script     one sbatch per combination, built by submit_jobs.py's sbatch_command()
  snakemake_slurm_default  Snakemake + Slurm executor plugin, the lesson's profile without its
                    status-check settings (so the plugin's and Snakemake's defaults apply)
  snakemake_slurm_tuned    the same with first check after 1 s and checks every 1 s
  snakemake_slurm_array    the tuned run, with the train jobs submitted as ONE array job (the
                    plugin's slurm-array-jobs option)
  snakemake_local   Snakemake without Slurm, --cores = number of cores

Each run starts from a fresh copy of code/ with the split already made (preprocessing is not timed).
A run's time is from the first submission until its last job has left the queue (for Snakemake: the
whole snakemake command). Results of every run are compared byte for byte with the serial run's.
Before each workload, the same task is timed alone and as two copies at once, outside Slurm: the
best speedup two cores can give on this machine at that time (the "ceiling").
Also recorded: the CPU time the submitting side used meanwhile on the same machine (sbatch and this
script's queue polling, or the main Snakemake process with its status checks). Writes
bench/results/slurm_speedup.json (machine, versions, date, raw timings, per-job sacct times) and
prints speedup and parallel efficiency against the serial run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import pathlib
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

from bench_names import FINAL_STATES, METHODS

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV_BIN = pathlib.Path(sys.executable).parent
DEFAULT_OUTPUT = ROOT / "bench" / "results" / "slurm_speedup.json"
# Combinations of similar cost (the cosine metric is about twice as slow, which would make the
# timings measure load imbalance instead of overhead); four tasks fill two cores evenly.
TASKS = [(1, "euclidean"), (1, "manhattan"), (16, "euclidean"), (16, "manhattan")]
# Heaviest first. On the two-core test machine: about 90 s of work per task (large against the
# 2-3 s each job spends starting Python and its libraries), about 5 s (as large as that start-up),
# and almost none. The whole bench takes about 30 minutes there.
WORKLOADS = [6000, 300, 1]
JOB_OPTIONS = ["--cpus-per-task=1", "--mem=1G", "--time=00:30:00"]
SNAKEFILE = "snakemake/scikit_example/Snakefile"
PROFILE = "snakemake/scikit_example/profiles/slurm/config.yaml"
STATUS_KEYS = ["slurm-init-seconds-before-status-checks", "seconds-between-status-checks"]


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PATH"] = f"{VENV_BIN}{os.pathsep}{e.get('PATH', '')}"
    return e


def sh(cmd, cwd, check=True, timeout=900) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env(), capture_output=True, text=True, timeout=timeout
    )
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
            f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        )
    return proc


def first_line(cmd) -> str:
    try:
        return (
            subprocess.run(cmd, capture_output=True, text=True, env=env())
            .stdout.strip()
            .splitlines()[0]
        )
    except (OSError, IndexError):
        return "unknown"


def machine() -> dict:
    cpu_model = "unknown"
    for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1])
        for line in pathlib.Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    os_name = "unknown"
    if pathlib.Path("/etc/os-release").exists():
        for line in pathlib.Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    nodes = subprocess.run(
        ["sinfo", "--noheader", "--Node", "--format=%c CPUs, %m MB"],
        capture_output=True,
        text=True,
        env=env(),
    ).stdout.splitlines()
    kinds = sorted(set(nodes))
    cluster = f"{len(nodes)} node{'s' * (len(nodes) != 1)} of {' or '.join(kinds)}"
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024**2, 1),
        "cpu_model": cpu_model,
        "os": os_name,
        "kernel": platform.release(),
        "slurm_nodes": cluster if nodes else "unknown",
        "versions": {
            "slurm": first_line(["sinfo", "--version"]),
            "snakemake": importlib.metadata.version("snakemake"),
            "snakemake-executor-plugin-slurm": importlib.metadata.version(
                "snakemake-executor-plugin-slurm"
            ),
            "python": platform.python_version(),
            "scikit-learn": importlib.metadata.version("scikit-learn"),
        },
    }


def node_state() -> list[str]:
    return subprocess.run(
        ["sinfo", "--noheader", "--Node", "--format=%T"], capture_output=True, text=True
    ).stdout.split()


def check_cluster():
    if shutil.which("sinfo") is None:
        sys.exit("bench: no Slurm here; start the local cluster with 'make cluster-up' (as root)")
    if not node_state():
        sys.exit("bench: the Slurm cluster does not answer; start it with 'make cluster-up'")


def wait_idle(timeout=1200) -> None:
    """Wait until nobody else's jobs use the nodes, so runs do not compete with other work."""
    end = time.monotonic() + timeout
    told = False
    while set(node_state()) != {"idle"}:
        if time.monotonic() > end:
            sys.exit(f"bench: the nodes stayed busy ({' '.join(node_state())}) for {timeout} s")
        if not told:
            print("(waiting for other jobs on the nodes to finish)", end=" ", flush=True)
            told = True
        time.sleep(2)


def fresh_copy(base: pathlib.Path, name: str) -> pathlib.Path:
    code = base / name / "code"
    shutil.copytree(
        ROOT / "code",
        code,
        ignore=shutil.ignore_patterns("__pycache__", ".snakemake", "slurm-*.out"),
    )
    for output in ("data", "results", "logs", "params.txt"):
        target = code / output
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    sh(["python", "python/scikit_example/preprocess.py"], code)
    (code / "params.txt").write_text("".join(f"{k} {m}\n" for k, m in TASKS))
    return code


def children_cpu() -> float:
    """CPU seconds used so far by this process's finished child processes (and theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sbatch(args, cwd) -> str:
    out = sh(["sbatch", "--parsable", *args], cwd).stdout.strip()
    return out.split(";")[0]


def wait_queue(job_ids, timeout=1800) -> None:
    end = time.monotonic() + timeout
    while True:
        out = subprocess.run(
            ["squeue", "--noheader", f"--jobs={','.join(job_ids)}", "--format=%i"],
            capture_output=True,
            text=True,
        ).stdout
        if not out.strip():
            return
        if time.monotonic() > end:
            subprocess.run(["scancel", *job_ids])
            raise RuntimeError(f"jobs {job_ids} did not finish within {timeout} s")
        time.sleep(0.5)


def sacct_rows(args) -> list[dict]:
    fields = ["JobID", "JobName", "State", "Submit", "Start", "End", "WorkDir"]
    out = subprocess.run(
        [
            "sacct",
            "--noheader",
            "--parsable2",
            "--allocations",
            "--allusers",
            f"--format={','.join(fields)}",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        dict(zip(fields, line.split("|"), strict=False))
        for line in out.splitlines()
        if line.strip()
    ]


def job_times(code: pathlib.Path, since: dt.datetime, until: dt.datetime, expected: int):
    """sacct's Submit/Start/End of this run's `expected` jobs (those that ran in `code`), once
    slurmdbd has recorded all of them with their final state, and the number of other people's
    jobs that ran on the node meanwhile."""
    window = [f"--starttime={since:%Y-%m-%dT%H:%M:%S}", f"--endtime={until:%Y-%m-%dT%H:%M:%S}"]
    lo, hi = f"{since:%Y-%m-%dT%H:%M:%S}", f"{until:%Y-%m-%dT%H:%M:%S}"
    for _ in range(60):
        rows = sacct_rows(window)
        ours = [r for r in rows if r["WorkDir"] == str(code)]
        # slurmdbd records jobs a little after they end, not necessarily all at once.
        if len(ours) == expected and all(r["State"].split()[0] in FINAL_STATES for r in ours):
            break
        time.sleep(0.5)
    else:
        raise RuntimeError(f"sacct has no final state for all {expected} jobs of {code}: {rows}")
    others = [
        r
        for r in rows
        if r["WorkDir"] != str(code)
        and r["Start"] not in ("Unknown", "None")
        and r["Start"] < hi
        and (r["End"] in ("Unknown", "None") or r["End"] > lo)
    ]
    jobs = [
        {k: r[k] for k in ("JobID", "JobName", "State", "Submit", "Start", "End")} for r in ours
    ]
    return jobs, len(others)


def run_sbatch_method(method, code, cv) -> tuple[float, list[dict]]:
    workload = ["--cv-repeats", str(cv)]
    since = dt.datetime.now().replace(microsecond=0)
    start, cpu = time.monotonic(), children_cpu()
    if method == "serial":
        ids = [
            sbatch(
                [
                    *JOB_OPTIONS,
                    "--job-name=bench-serial",
                    "--output=slurm-%x-%j.out",
                    "--wrap",
                    f"python {ROOT / 'bench' / 'serial_sweep.py'} --params params.txt "
                    f"--cv-repeats {cv}",
                ],
                code,
            )
        ]
    elif method == "array":
        ids = [
            sbatch(
                [
                    *JOB_OPTIONS,
                    "--job-name=bench-array",
                    f"--array=0-{len(TASKS) - 1}",
                    "--output=slurm-%x-%A_%a.out",
                    "--wrap",
                    "python python/scikit_example/train_one.py "
                    f"--index $SLURM_ARRAY_TASK_ID --params params.txt --cv-repeats {cv}",
                ],
                code,
            )
        ]
    else:  # custom_script: the very commands submit_jobs.py builds, plus the workload option
        sys.path.insert(0, str(code / "python" / "scikit_example"))
        try:
            from submit_jobs import sbatch_command
        finally:
            sys.path.pop(0)
        ids = []
        for k, metric in TASKS:
            command = sbatch_command(k, metric) + workload
            ids.append(sh(command, code).stdout.strip().split(";")[0])
    wait_queue(ids)
    seconds, cpu = time.monotonic() - start, children_cpu() - cpu
    until = dt.datetime.now() + dt.timedelta(seconds=1)
    return (seconds, cpu, *job_times(code, since, until, 1 if method == "serial" else len(TASKS)))


def profile(
    code: pathlib.Path, name: str, checks: int | None, array_rules: str | None = None
) -> pathlib.Path:
    """The lesson's profile, with its status-check settings removed (None) or set to `checks` s,
    and the jobs of `array_rules` submitted as array jobs."""
    settings = yaml.safe_load((code / PROFILE).read_text())
    for key in STATUS_KEYS:
        settings.pop(key, None)
        if checks is not None:
            settings[key] = checks
    if array_rules:
        settings["slurm-array-jobs"] = array_rules
    folder = code.parent / "profiles" / name
    folder.mkdir(parents=True)
    (folder / "config.yaml").write_text(yaml.safe_dump(settings, sort_keys=True))
    return folder


def run_snakemake_method(method, code, cv) -> tuple[float, list[dict]]:
    targets = [f"results/knn_k{k:02d}_{m}.png" for k, m in TASKS]
    command = ["snakemake", "--snakefile", SNAKEFILE, "--config", f"cv_repeats={cv}"]
    if method == "snakemake_local":
        command += ["--cores", str(os.cpu_count())]
    else:
        checks = None if method == "snakemake_slurm_default" else 1
        arrays = "train" if method == "snakemake_slurm_array" else None
        command += ["--profile", profile(code, method, checks, arrays)]
    since = dt.datetime.now().replace(microsecond=0)
    start, cpu = time.monotonic(), children_cpu()
    proc = sh([*command, *targets], code, check=False, timeout=1800)
    seconds, cpu = time.monotonic() - start, children_cpu() - cpu
    (code.parent / "snakemake.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        raise RuntimeError(
            f"snakemake failed; log in {code.parent / 'snakemake.log'}:\n{proc.stderr[-3000:]}"
        )
    if method == "snakemake_local":  # its jobs are its children: their CPU is in `cpu` too
        return seconds, None, [], 0
    until = dt.datetime.now() + dt.timedelta(seconds=1)
    return (seconds, cpu, *job_times(code, since, until, len(TASKS)))


def machine_ceiling(base: pathlib.Path, cv: int) -> dict:
    """How much faster two cores can be than one on this machine right now, without any scheduler.

    The first task is run alone, then two copies of it at the same time (plain processes, no
    Slurm). If the two together take longer than one alone, the cores slow each other down (shared
    caches and memory, or other virtual machines on the same host), and no way of running the
    sweep in parallel can beat 2 x alone / together.
    """
    code = fresh_copy(base, f"cv{cv}-ceiling")
    k, metric = TASKS[0]
    (code / "one.txt").write_text(f"{k} {metric}\n")
    command = [
        "python",
        ROOT / "bench" / "serial_sweep.py",
        "--params",
        "one.txt",
        "--cv-repeats",
        str(cv),
    ]
    start = time.monotonic()
    sh([*command, "--results-dir", "alone"], code)
    alone = time.monotonic() - start
    start = time.monotonic()
    pair = [
        subprocess.Popen(
            [str(c) for c in [*command, "--results-dir", f"pair{i}"]],
            cwd=code,
            env=env(),
            stdout=subprocess.DEVNULL,
        )
        for i in (1, 2)
    ]
    if any(proc.wait() != 0 for proc in pair):
        raise RuntimeError("bench: a copy of the ceiling task failed")
    together = time.monotonic() - start
    return {
        "task": f"{k} {metric}",
        "alone_seconds": round(alone, 2),
        "two_at_once_seconds": round(together, 2),
        "ceiling_speedup": round(2 * alone / together, 3),
    }


def result_files(code: pathlib.Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((code / "results").glob("knn_*"))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--workloads",
        default=",".join(map(str, WORKLOADS)),
        help="comma-separated --cv-repeats values (default: %(default)s)",
    )
    parser.add_argument(
        "--methods", default=",".join(METHODS), help="comma-separated subset of: %(default)s"
    )
    parser.add_argument("--output", type=pathlib.Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    workloads = [int(w) for w in args.workloads.split(",")]
    methods = args.methods.split(",")
    unknown = sorted(set(methods) - set(METHODS))
    if unknown or "serial" not in methods:
        sys.exit(f"bench: --methods must include serial and only name {', '.join(METHODS)}")
    check_cluster()

    report = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine(),
        "tasks": [f"{k} {m}" for k, m in TASKS],
        "cores_used": os.cpu_count(),
        "definition": "seconds from the first submission until the last job left the queue "
        "(Snakemake: the whole snakemake command); preprocessing not included",
        "status_check_settings": {
            "snakemake_slurm_default": "plugin and Snakemake defaults",
            "snakemake_slurm_tuned": {k: 1 for k in STATUS_KEYS},
            "snakemake_slurm_array": {k: 1 for k in STATUS_KEYS} | {"slurm-array-jobs": "train"},
        },
        "workloads": [],
    }
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lesson-bench-") as tmp:
        base = pathlib.Path(tmp)
        for cv in workloads:
            entry = {"cv_repeats": cv, "runs": {}}
            wait_idle()
            entry["ceiling"] = machine_ceiling(base, cv)
            print(
                f"cv-repeats {cv:>5}  {'(two cores at most)':<24}"
                f"{entry['ceiling']['ceiling_speedup']:7.2f} x",
                flush=True,
            )
            reference = None
            for method in methods:
                wait_idle()
                code = fresh_copy(base, f"cv{cv}-{method}")
                load = os.getloadavg()[0]
                print(f"cv-repeats {cv:>5}  {method:<24}", end="", flush=True)
                run = run_snakemake_method if method.startswith("snakemake") else run_sbatch_method
                seconds, driver_cpu, jobs, others = run(method, code, cv)
                print(f"{seconds:7.1f} s", end="", flush=True)
                files = result_files(code)
                if reference is None:
                    reference = files
                identical = files == reference and len(files) == 2 * len(TASKS)
                print(
                    ("" if identical else "  RESULTS DIFFER")
                    + (f"  ({others} other jobs shared the node)" if others else ""),
                    flush=True,
                )
                entry["runs"][method] = {
                    "seconds": round(seconds, 2),
                    "jobs": jobs,
                    "driver_cpu_seconds": None if driver_cpu is None else round(driver_cpu, 2),
                    "load_before": round(load, 2),
                    "other_jobs": others,
                    "results_identical_to_serial": identical,
                }
            report["workloads"].append(entry)
            report["bench_seconds"] = round(time.monotonic() - started, 1)
            # Written after every workload, so an interrupted bench keeps what it measured.
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    print_summary(report)
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"\nWrote {shown} ({report['bench_seconds']:.0f} s)")
    return 0


def print_summary(report) -> None:
    cores, n = report["cores_used"], len(report["tasks"])
    print(f"\nSpeedup and parallel efficiency against the serial job ({n} tasks, {cores} cores):")
    print(
        f"{'cv-repeats':>10}  {'method':<24} {'seconds':>8} {'speedup':>8} {'efficiency':>10}"
        f" {'s/job over array':>17}"
    )
    for entry in report["workloads"]:
        runs = entry["runs"]
        serial = runs["serial"]["seconds"]
        if "ceiling" in entry:
            print(
                f"{entry['cv_repeats']:>10}  {'(two cores at most)':<24} {'':>8}"
                f" {entry['ceiling']['ceiling_speedup']:8.2f}"
            )
        for method, run in runs.items():
            speedup = serial / run["seconds"]
            extra = ""
            if method.startswith("snakemake_slurm") and "array" in runs:
                extra = f"{(run['seconds'] - runs['array']['seconds']) / n:+17.1f}"
            print(
                f"{entry['cv_repeats']:>10}  {method:<24} {run['seconds']:8.1f} {speedup:8.2f}"
                f" {speedup / cores:10.0%} {extra}"
            )


if __name__ == "__main__":
    sys.exit(main())
