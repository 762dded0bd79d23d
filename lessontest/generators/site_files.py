"""What adapts the lesson to one cluster: made from that cluster's site file, sites/<name>.yaml.

The site is chosen once, with `make html SITE=<name>` (the environment variable LESSON_SITE; the
default is the practice cluster, sites/practice.yaml). From its file this module makes

- site.env, which the learners' download holds as code/site.env: `export` lines of Slurm's input
  environment variables (SBATCH_ACCOUNT, SBATCH_PARTITION, ... and the same for salloc and srun),
  so that every sbatch, salloc and srun a learner types names the site's account, partition, QOS
  and reservation without a word changed in the batch scripts; and the limits the site file
  promises, which code/python/scikit_example/check_site.py compares with the cluster;
- job-env.sh, which the download holds as code/job-env.sh beside site.env: what a job loads
  before it runs Python (the site file's `python` settings: modules, then a virtual environment
  or a container) and the node-local scratch folder, for batch scripts to `source` inside the
  job and for the Snakemake profiles' `precommand` (which /bin/sh runs: the file is plain sh). A
  job then finds the lesson's Python even when it does not get the environment it was submitted
  from (sbatch --export=NONE, the default at some sites), and a venv built on a module's Python
  finds that module; a job that got a shell's activated environment keeps it;
- every Snakemake Slurm profile of the download (code/, exercises/, solutions/): the repository's
  profile with its commented site lines filled in (Snakemake passes its own --account and
  --partition to sbatch, so a profile must name them itself);
- the pages' site-specific blocks: how to log in, how to get Python, and a table of the settings;
- from sites/practice-strict.yaml, whatever the site: the settings cluster/up.sh --strict sets
  the practice cluster up from (`--cluster-settings`, below), and the practice cluster page's
  sentence that lists them.

The pages show these generated files (from _generated/site/), and the cluster tests run the same
files, made by the same functions (lessontest/cluster_fixtures.py).
"""

from __future__ import annotations

import os
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITES = "sites"
DEFAULT = "practice"
# The k-NN example's profile, which the Snakemake chapter shows.
PROFILE = "code/snakemake/scikit_example/profiles/slurm/config.yaml"
PROFILE_GLOB = "**/profiles/*/config.yaml"
# Every Snakemake profile of the learners' code tree: each has the commented site lines below.
PROFILES = sorted(
    p.relative_to(ROOT).as_posix()
    for folder in ("code", "exercises", "solutions")
    for p in (ROOT / folder).glob(PROFILE_GLOB)
)
ENV_FILE = "code/site.env"
JOB_ENV_FILE = "code/job-env.sh"
# The files of the download that are made for the site.
BY_SITE = (ENV_FILE, JOB_ENV_FILE, *PROFILES)
# The documented example site, whose files the checklist page (content/your-cluster.md) shows.
EXAMPLE = "example-university"
# The practice cluster's strict mode, whose site.env the practice cluster's page shows, and
# which cluster/up.sh --strict sets the cluster up from: in the repository it runs this module
# (`python -m lessontest.generators.site_files --cluster-settings`); the learners' download,
# which has neither the site files nor this module, holds what that prints as CLUSTER_FILE.
STRICT = "practice-strict"
CLUSTER_FILE = "cluster/strict-site.sh"
INPUTS = [f"{SITES}/*.yaml", *PROFILES]
OUT = "_generated/site"
OUTPUTS = [
    f"{OUT}/site.env",
    f"{OUT}/job-env.sh",
    f"{OUT}/{EXAMPLE}/site.env",
    f"{OUT}/{EXAMPLE}/job-env.sh",
    f"{OUT}/{STRICT}/site.env",
    f"{OUT}/{STRICT}/cluster.md",
    f"{OUT}/login.sh",
    f"{OUT}/python.sh",
    f"{OUT}/settings.md",
    *(f"{OUT}/{profile_path}" for profile_path in PROFILES),
]

# Every key a site file has, with the type of its value (None: may be null).
SLURM_KEYS = ("account", "partition", "qos", "reservation")
LIMIT_KEYS = ("max_array_size", "max_time", "max_jobs")
# Slurm's names of accounts, partitions, QOS and reservations: safe in a shell line unquoted.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
TIME = re.compile(r"(\d+-)?\d{1,2}:\d{2}:\d{2}")
# The node-local scratch folder: an absolute path, literal (site.env is read on the login node).
FOLDER = re.compile(r"/[A-Za-z0-9_./-]*")
# The option each Slurm setting stands for, and the input variable sbatch, salloc and srun read
# in its place (the commands' man pages, "INPUT ENVIRONMENT VARIABLES").
OPTIONS = {
    "account": "ACCOUNT",
    "partition": "PARTITION",
    "qos": "QOS",
    "reservation": "RESERVATION",
}
# The input variables' prefixes: sbatch's, salloc's and srun's.
COMMANDS = ("SBATCH", "SALLOC", "SLURM")
# The profile's key for each setting: the repository's profile has each once, commented out
# (`# slurm_account: my_project`), and the site's value fills it in. The first two are
# default-resources, the others top-level options of the Slurm plugin.
PROFILE_KEYS = {
    "account": "slurm_account",
    "partition": "slurm_partition",
    "qos": "slurm-qos",
    "reservation": "slurm-reservation",
}
# The practice cluster's own settings (only sites/practice-strict.yaml has this table), and the
# time limit of a partition as a text for the page: {seconds: unit}.
PRACTICE_KEYS = ("short_partition", "short_max_time")
UNITS = {86400: "day", 3600: "hour", 60: "minute"}
PLACEHOLDER_HOST = "login.cluster.example.org"


class SiteError(ValueError):
    """A site file that the lesson cannot use; the message is one line naming the problem."""


def selected() -> str:
    """The name of the site the lesson is built for: $LESSON_SITE, or the practice cluster."""
    return os.environ.get("LESSON_SITE") or DEFAULT


def key() -> str:
    # lessontest/generate.py makes the outputs again when the selected site changes.
    return selected()


def _check_keys(where: str, table, keys) -> None:
    if not isinstance(table, dict):
        raise SiteError(f"{where}: expected a table of {', '.join(keys)}")
    unknown = sorted(set(table) - set(keys))
    if unknown:
        raise SiteError(f"{where}: unknown key '{unknown[0]}' (known: {', '.join(keys)})")
    missing = [k for k in keys if k not in table]
    if missing:
        raise SiteError(f"{where}: missing key '{missing[0]}' (write null if not needed)")


def load(root: pathlib.Path, name: str) -> dict:
    """The site file sites/<name>.yaml, checked: raises SiteError with one line otherwise."""
    path = root / SITES / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in (root / SITES).glob("*.yaml"))
        raise SiteError(f"no site file {SITES}/{name}.yaml (sites: {', '.join(known)})")
    where = f"{SITES}/{name}.yaml"
    try:
        site = yaml.safe_load(path.read_text())
    except yaml.YAMLError as err:
        raise SiteError(f"{where}: not valid YAML ({str(err).splitlines()[0]})") from None
    keys = ("name", "login", "slurm", "python", "scratch", "limits")
    if isinstance(site, dict) and "practice_cluster" in site:
        keys += ("practice_cluster",)
    _check_keys(where, site, keys)
    _check_keys(f"{where}, slurm", site["slurm"], SLURM_KEYS)
    _check_keys(f"{where}, python", site["python"], ("modules", "venv", "container"))
    _check_keys(f"{where}, limits", site["limits"], LIMIT_KEYS)
    if not isinstance(site["name"], str) or not site["name"].strip():
        raise SiteError(f"{where}: name must be a non-empty text")
    for setting in SLURM_KEYS:
        value = site["slurm"][setting]
        if value is not None and not (isinstance(value, str) and NAME.fullmatch(value)):
            raise SiteError(f"{where}: slurm {setting} {value!r} is not a Slurm name")
    if site["login"] is not None and not NAME.fullmatch(str(site["login"])):
        raise SiteError(f"{where}: login {site['login']!r} is not a host name")
    modules = site["python"]["modules"]
    if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
        raise SiteError(f"{where}: python modules must be a list of module names")
    for setting in ("venv", "container"):
        if site["python"][setting] is not None and not isinstance(site["python"][setting], str):
            raise SiteError(f"{where}: python {setting} must be a path or null")
    for setting in ("max_array_size", "max_jobs"):
        value = site["limits"][setting]
        if value is not None and (not isinstance(value, int) or value < 1):
            raise SiteError(f"{where}: limits {setting} must be a whole number above 0 or null")
    scratch = site["scratch"]
    if not (isinstance(scratch, str) and FOLDER.fullmatch(scratch)):
        raise SiteError(f"{where}: scratch {scratch!r} is not an absolute folder path without $")
    max_time = site["limits"]["max_time"]
    if max_time is not None and not TIME.fullmatch(str(max_time)):
        raise SiteError(f"{where}: limits max_time {max_time!r} is not D-HH:MM:SS or HH:MM:SS")
    if "practice_cluster" in site:
        practice = site["practice_cluster"]
        _check_keys(f"{where}, practice_cluster", practice, PRACTICE_KEYS)
        if not NAME.fullmatch(str(practice["short_partition"])):
            raise SiteError(f"{where}: practice_cluster short_partition is not a Slurm name")
        if not TIME.fullmatch(str(practice["short_max_time"])):
            raise SiteError(f"{where}: practice_cluster short_max_time is not HH:MM:SS")
    return site


def _strict(site: dict, name: str) -> tuple[dict, dict, dict]:
    """The slurm, limits and practice_cluster tables of a site the strict practice cluster can
    be set up from: every value the cluster needs is there."""
    needed = {"slurm": SLURM_KEYS, "limits": ("max_time", "max_jobs")}
    for table, keys in needed.items():
        for setting in keys:
            if site[table][setting] is None:
                raise SiteError(f"{SITES}/{name}.yaml: the strict cluster needs {table} {setting}")
    if "practice_cluster" not in site:
        raise SiteError(f"{SITES}/{name}.yaml: the strict cluster needs a practice_cluster table")
    return site["slurm"], site["limits"], site["practice_cluster"]


def cluster_settings(site: dict, name: str) -> str:
    """The bash lines cluster/up.sh --strict sets the cluster up from (STRICT_* variables)."""
    slurm, limits, practice = _strict(site, name)
    return (
        "\n".join(
            [
                f"# The strict practice cluster's settings, made from {SITES}/{name}.yaml.",
                "# Partitions, in this order: the short one, then the long one.",
                f"STRICT_PARTITIONS=({practice['short_partition']} {slurm['partition']})",
                f"STRICT_MAX_TIMES=({practice['short_max_time']} {limits['max_time']})",
                f"STRICT_ACCOUNT={slurm['account']}",
                f"STRICT_QOS={slurm['qos']}",
                "# Jobs (each array task counts) a user may have queued or running.",
                f"STRICT_SUBMIT_LIMIT={limits['max_jobs']}",
                f"STRICT_RESERVATION={slurm['reservation']}",
            ]
        )
        + "\n"
    )


def _duration(time: str) -> str:
    """A Slurm time limit in words: 1-00:00:00 is "a day", 00:10:00 "10 minutes"."""
    days, _, clock = str(time).rpartition("-")
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    total = int(days or 0) * 86400 + hours * 3600 + minutes * 60 + seconds
    for size, unit in UNITS.items():
        if total % size == 0:
            count = total // size
            return f"a {unit}" if count == 1 else f"{count} {unit}s"
    return f"{total} seconds"


def strict_cluster_text(site: dict, name: str) -> str:
    """The practice cluster's page: what the strict mode has (content/local-cluster.md)."""
    slurm, limits, practice = _strict(site, name)
    return (
        f"It has two partitions, `{practice['short_partition']}` (jobs of at most "
        f"{_duration(practice['short_max_time'])}) and `{slurm['partition']}` (at most "
        f"{_duration(limits['max_time'])}), neither of them the default; your user's only "
        f"account, `{slurm['account']}`; the QOS `{slurm['qos']}`, which allows "
        f"{limits['max_jobs']} jobs in the queue at once (each task of an array counts); and the "
        f"reservation `{slurm['reservation']}` on every node.\n"
    )


def site_env(site: dict, name: str) -> str:
    """The text of code/site.env for this site."""
    lines = [
        f"# Slurm settings for {site['name']},",
        f"# made from the site file {SITES}/{name}.yaml.",
        "# Read them into every shell you submit jobs from, in the code/ folder:",
        "#   source site.env",
        "# sbatch, salloc and srun then act as if you had typed --account,",
        "# --partition, --qos and --reservation with these values; an option you",
        "# type yourself still wins.",
    ]
    settings = {k: v for k, v in site["slurm"].items() if v is not None}
    for setting, value in settings.items():
        lines.append(f"# --{setting}")
        lines += [f"export {command}_{OPTIONS[setting]}={value}" for command in COMMANDS]
    if not settings:
        lines.append("# This cluster needs none of them: jobs go to the default partition,")
        lines.append("# charged to your default account.")
    lines += [
        "# Node-local scratch: a folder on each compute node's own disk, fast,",
        "# deleted after the job; staged_job.sh works there.",
        f"export LESSON_SCRATCH={site['scratch']}",
    ]
    limits = {k: v for k, v in site["limits"].items() if v is not None}
    if limits:
        lines.append("# The cluster's limits as the lesson states them; the site check")
        lines.append("# compares them with Slurm's (python python/scikit_example/check_site.py).")
        lines.append("# LESSON_MAX_ARRAY_SIZE: tasks per array, Slurm's MaxArraySize")
        lines.append("# (indices 0 to MaxArraySize - 1); LESSON_MAX_JOBS: jobs queued or")
        lines.append("# running at once; LESSON_MAX_TIME: the longest --time.")
        lines += [f"export LESSON_{k.upper()}={v}" for k, v in sorted(limits.items())]
    return "\n".join(lines) + "\n"


def job_env(site: dict, name: str) -> str:
    """The text of code/job-env.sh for this site: lines a batch script sources in the job (bash)
    and a Snakemake job's precommand reads with `.` (sh, so no bash-only syntax)."""
    python = site["python"]
    lines = [
        f"# What every job needs before it runs Python, on {site['name']},",
        f"# made from the site file {SITES}/{name}.yaml. Batch scripts read it inside",
        "# the job, from the code/ folder (so do the Snakemake profiles' jobs):",
        "#   source job-env.sh",
        "# so that the job finds Python and the lesson's packages even when it starts",
        "# without the environment of the shell you submitted from (--export=NONE).",
    ]
    if python["modules"]:
        lines += [
            "# `module` is defined by login shells; a job started without your",
            "# environment may lack it.",
            "if ! command -v module >/dev/null; then",
            "    set +u; . /etc/profile; set -u",
            "fi",
            *(f"module load {module}" for module in python["modules"]),
        ]
    else:
        lines.append("# Modules: this cluster needs none.")
    if python["venv"]:
        venv = python["venv"]
        lines += [
            "# The lesson's virtual environment, unless the job already has one active",
            "# (it got the environment of a shell where you had activated it):",
            'if [ -z "${VIRTUAL_ENV:-}" ]; then',
            f"    if [ ! -f {venv}/bin/activate ]; then",
            f'        echo "job-env.sh: no virtual environment {venv}:" \\',
            '            "make it as the setup page shows" >&2',
            "        return 1",
            "    fi",
            f"    . {venv}/bin/activate",
            "fi",
        ]
    if python["container"]:
        lines += [
            "# The lesson's Python is in a container image: `python` runs in it.",
            f'python() {{ apptainer exec {python["container"]} python "$@"; }}',
        ]
    if not python["venv"] and not python["container"]:
        lines.append("# Python: the one on the job's PATH; nothing to activate.")
    lines += [
        "# Node-local scratch, for staged_job.sh (as in site.env):",
        f"export LESSON_SCRATCH=${{LESSON_SCRATCH:-{site['scratch']}}}",
    ]
    return "\n".join(lines) + "\n"


def profile(site: dict, template: str, where: str = PROFILE) -> str:
    """A Snakemake profile for this site: the repository's, with its site lines filled in."""
    text = template
    for setting, key in PROFILE_KEYS.items():
        line = re.compile(rf"^( *)# {re.escape(key)}: \S+$", re.MULTILINE)
        if len(line.findall(text)) != 1:
            raise SiteError(f"{where}: needs one commented line '# {key}: ...' to fill in")
        value = site["slurm"][setting]
        if value is not None:
            filled = f"{key}: {value}"
            text = line.sub(lambda found, filled=filled: found[1] + filled, text)
    return text


def login_lines(site: dict) -> str:
    host = site["login"] or PLACEHOLDER_HOST
    return f"scp parallel-workflows-code.zip yourname@{host}:\nssh yourname@{host}\n"


def python_lines(site: dict) -> str:
    python = site["python"]
    lines = [f"module load {module}" for module in python["modules"]]
    if python["venv"]:
        lines.append(f"source {python['venv']}/bin/activate")
    if python["container"]:
        lines.append(f"# jobs run their commands in the container image {python['container']}")
    return "\n".join(lines) + "\n" if lines else "# nothing to load: use the Python you have\n"


def settings_table(site: dict, name: str) -> str:
    def shown(value, otherwise):
        return f"`{value}`" if value is not None else otherwise

    slurm, limits = site["slurm"], site["limits"]
    rows = [
        ("Login node", shown(site["login"], "none: you work on the machine itself")),
        ("Account (`--account`)", shown(slurm["account"], "your default account")),
        ("Partition (`--partition`)", shown(slurm["partition"], "the default partition")),
        ("QOS (`--qos`)", shown(slurm["qos"], "the default")),
        ("Reservation (`--reservation`)", shown(slurm["reservation"], "none")),
        ("Node-local scratch folder", shown(site["scratch"], "none")),
        ("Tasks in one array job, at most", shown(limits["max_array_size"], "not stated")),
        ("Time per job, at most", shown(limits["max_time"], "no limit")),
        ("Jobs in the queue per user, at most", shown(limits["max_jobs"], "no limit")),
    ]
    out = [
        f"This copy of the lesson is set up for **{site['name']}** (site file "
        f"`{SITES}/{name}.yaml`):",
        "",
        "| Setting | Value |",
        "| --- | --- |",
    ]
    out += [f"| {label} | {value} |" for label, value in rows]
    return "\n".join(out) + "\n"


def download_files(root: pathlib.Path, name: str | None = None) -> dict[str, bytes]:
    """{path in the code tree: bytes} of the files that differ by site, for the site `name`
    (default: the selected one). The download holds these instead of the repository's."""
    name = name or selected()
    site = load(root, name)
    files = {ENV_FILE: site_env(site, name).encode(), JOB_ENV_FILE: job_env(site, name).encode()}
    for where in PROFILES:
        files[where] = profile(site, (root / where).read_text(), where).encode()
    return files


def cluster_file(root: pathlib.Path) -> dict[str, bytes]:
    """{path: bytes} of the strict cluster's settings in the learners' download (CLUSTER_FILE)."""
    return {CLUSTER_FILE: cluster_settings(load(root, STRICT), STRICT).encode()}


def generate(root: pathlib.Path) -> None:
    name = selected()
    try:
        site = load(root, name)
        example = load(root, EXAMPLE)
        strict = load(root, STRICT)
        files = {
            "site.env": site_env(site, name),
            "job-env.sh": job_env(site, name),
            f"{EXAMPLE}/site.env": site_env(example, EXAMPLE),
            f"{EXAMPLE}/job-env.sh": job_env(example, EXAMPLE),
            f"{STRICT}/site.env": site_env(strict, STRICT),
            f"{STRICT}/cluster.md": strict_cluster_text(strict, STRICT),
            "login.sh": login_lines(site),
            "python.sh": python_lines(site),
            "settings.md": settings_table(site, name),
        }
        for where in PROFILES:
            files[where] = profile(site, (root / where).read_text(), where)
    except SiteError as err:
        raise SystemExit(f"site_files: {err}") from None
    for file_name, text in files.items():
        target = root / OUT / file_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def main(argv: list[str]) -> int:
    """`--cluster-settings`: print the strict practice cluster's settings for cluster/up.sh."""
    if argv != ["--cluster-settings"]:
        print(
            "usage: python -m lessontest.generators.site_files --cluster-settings", file=sys.stderr
        )
        return 2
    try:
        print(cluster_settings(load(ROOT, STRICT), STRICT), end="")
    except SiteError as err:
        print(f"site_files: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
