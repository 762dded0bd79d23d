"""The learners' download: a zip of the lesson's code tree and everything else a page tells them
to run, for the setup page.

It holds the code (code/, exercises/, solutions/) and, so that a learner with only the zip can
follow every page, the practice clusters (cluster/: `sudo make cluster-up`, and cluster/compose/
for Docker or Podman, whose image installs from the pins files), the benchmark (`make bench`), the
pinned requirements the container chapter refers to, and a Makefile with those entry points (the
repository keeps it as learners.mk, which its own Makefile includes). Folders hold what git would
hold: every tracked or new-but-not-ignored file (asked from `git ls-files`; outside a git checkout,
a walk of the folders that skips the usual outputs). The archive's bytes depend only on the files'
paths, contents and executable bits: entries are sorted, every timestamp is 1980-01-01 00:00,
permissions are 644 or 755, and the compression level is fixed. Entries sit under one top folder,
so unzipping gives `parallel-workflows-code/code/...`.

The download is made for one site (generators/site_files.py; `make html SITE=...`): it holds
that site's code/site.env and its Snakemake profile in place of the repository's. Whatever the
site, it also holds cluster/strict-site.sh, the settings `make cluster-up STRICT=1` sets the
cluster up from (made from sites/practice-strict.yaml, which the download does not hold).
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import tempfile
import zipfile

from lessontest.generators import site_files

# The learners' code tree: what the chapters work in, and what tests copy (lessontest.tree).
FOLDERS = ("code", "exercises", "solutions")
# Folders that go into the download whole, under the same name.
EXTRA_FOLDERS = ("cluster",)
# Single files: {path in the download: path in the repository}.
EXTRA_FILES = {
    "Makefile": "learners.mk",
    "requirements.txt": "requirements.txt",
    "constraints.txt": "constraints.txt",
    "bench/run_bench.py": "bench/run_bench.py",
    "bench/bench_names.py": "bench/bench_names.py",
    "bench/serial_sweep.py": "bench/serial_sweep.py",
}
INPUTS = [f"{folder}/**/*" for folder in FOLDERS + EXTRA_FOLDERS] + list(EXTRA_FILES.values())
INPUTS += site_files.INPUTS
OUTPUTS = ["_generated/parallel-workflows-code.zip"]
TOP = "parallel-workflows-code"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)

# Used only outside a git checkout: outputs of running the example, caches.
_SKIP_DIRS = {"__pycache__", ".snakemake", ".ipynb_checkpoints", ".pytest_cache", "results", "data"}
_SKIP_SUFFIXES = (".pyc",)


def _git_files(root: pathlib.Path, folders) -> list[str] | None:
    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *folders],
            cwd=root,
            capture_output=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None
    names = {name for name in proc.stdout.decode().split("\0") if name}
    # Tracked files deleted in the work tree are listed by --cached but are not there to pack.
    return sorted(name for name in names if (root / name).is_file())


def _walk_files(root: pathlib.Path, folders) -> list[str]:
    found = []
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(root / folder):
            dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS]
            for name in filenames:
                if not name.endswith(_SKIP_SUFFIXES):
                    found.append((pathlib.Path(dirpath) / name).relative_to(root).as_posix())
    return sorted(found)


def _folder_files(root: pathlib.Path, folders) -> list[str]:
    files = _git_files(root, folders)
    return files if files is not None else _walk_files(root, folders)


def code_files(root: pathlib.Path) -> list[str]:
    """The files of code/, exercises/ and solutions/, repository-relative and sorted: the same
    paths in the repository and in the download."""
    return _folder_files(root, FOLDERS)


def archive_members(root: pathlib.Path, site: str | None = None) -> dict[str, str]:
    """{path in the download: path in the repository} of every file the archive holds, sorted.
    The files made for the site (site `site`, default the selected one) map to its site file."""
    members = {name: name for name in _folder_files(root, FOLDERS + EXTRA_FOLDERS)}
    members.update(EXTRA_FILES)
    site_file = f"{site_files.SITES}/{site or site_files.selected()}.yaml"
    members.update({name: site_file for name in site_files.BY_SITE})
    members[site_files.CLUSTER_FILE] = f"{site_files.SITES}/{site_files.STRICT}.yaml"
    return dict(sorted(members.items()))


def key() -> str:
    # lessontest/generate.py makes the archive again when the selected site changes.
    return site_files.selected()


def write_archive(root: pathlib.Path, target: pathlib.Path, site: str | None = None) -> None:
    members = archive_members(root, site)
    try:
        by_site = {**site_files.download_files(root, site), **site_files.cluster_file(root)}
    except site_files.SiteError as err:
        raise SystemExit(f"code_archive: {err}") from None
    if not code_files(root):
        raise SystemExit("code_archive: found no files under code/, exercises/ or solutions/")
    missing = sorted(source for source in members.values() if not (root / source).is_file())
    if missing:
        raise SystemExit(f"code_archive: missing {', '.join(missing)}")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write next to the target, then rename: a failed run never leaves half an archive.
    fd, tmp_name = tempfile.mkstemp(prefix=".code_archive-", suffix=".zip", dir=target.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp_name, "w") as archive:
            for name, source in members.items():
                path = root / source
                info = zipfile.ZipInfo(f"{TOP}/{name}", date_time=FIXED_TIME)
                mode = 0o755 if name not in by_site and os.access(path, os.X_OK) else 0o644
                info.external_attr = (0o100000 | mode) << 16
                info.create_system = 3  # Unix, so that the permission bits mean the same everywhere
                info.compress_type = zipfile.ZIP_DEFLATED
                data = by_site[name] if name in by_site else path.read_bytes()
                archive.writestr(info, data, compresslevel=9)
        if target.exists() and target.read_bytes() == pathlib.Path(tmp_name).read_bytes():
            # Same bytes: keep the old file and its time stamp, so Sphinx does not read the pages
            # that link it again (an output of running the example changed a folder's time only).
            pathlib.Path(tmp_name).unlink()
            return
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    except BaseException:
        pathlib.Path(tmp_name).unlink(missing_ok=True)
        raise


def generate(root: pathlib.Path) -> None:
    write_archive(root, root / OUTPUTS[0])
