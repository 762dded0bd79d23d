"""A downloadable zip of the lesson's code tree (code/, exercises/, solutions/) for the setup page.

The archive holds what git would hold: every tracked or new-but-not-ignored file of the three
folders (asked from `git ls-files`; outside a git checkout, a walk of the folders that skips the
usual outputs). Its bytes depend only on the files' paths, contents and executable bits: entries are
sorted, every timestamp is 1980-01-01 00:00, permissions are 644 or 755, and the compression level
is fixed. Entries sit under one top folder, so unzipping gives `parallel-workflows-code/code/...`.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import tempfile
import zipfile

FOLDERS = ("code", "exercises", "solutions")
INPUTS = [f"{folder}/**/*" for folder in FOLDERS]
OUTPUTS = ["_generated/parallel-workflows-code.zip"]
TOP = "parallel-workflows-code"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)

# Used only outside a git checkout: outputs of running the example, caches.
_SKIP_DIRS = {"__pycache__", ".snakemake", ".ipynb_checkpoints", ".pytest_cache", "results", "data"}
_SKIP_SUFFIXES = (".pyc",)


def _git_files(root: pathlib.Path) -> list[str] | None:
    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *FOLDERS],
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


def _walk_files(root: pathlib.Path) -> list[str]:
    found = []
    for folder in FOLDERS:
        for dirpath, dirnames, filenames in os.walk(root / folder):
            dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS]
            for name in filenames:
                if not name.endswith(_SKIP_SUFFIXES):
                    found.append((pathlib.Path(dirpath) / name).relative_to(root).as_posix())
    return sorted(found)


def archive_members(root: pathlib.Path) -> list[str]:
    """Repository-relative paths that go into the archive, sorted."""
    files = _git_files(root)
    return files if files is not None else _walk_files(root)


def write_archive(root: pathlib.Path, target: pathlib.Path) -> None:
    members = archive_members(root)
    if not members:
        raise SystemExit("code_archive: found no files under code/, exercises/ or solutions/")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write next to the target, then rename: a failed run never leaves half an archive.
    fd, tmp_name = tempfile.mkstemp(prefix=".code_archive-", suffix=".zip", dir=target.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp_name, "w") as archive:
            for name in members:
                path = root / name
                info = zipfile.ZipInfo(f"{TOP}/{name}", date_time=FIXED_TIME)
                mode = 0o755 if os.access(path, os.X_OK) else 0o644
                info.external_attr = (0o100000 | mode) << 16
                info.create_system = 3  # Unix, so that the permission bits mean the same everywhere
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes(), compresslevel=9)
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
