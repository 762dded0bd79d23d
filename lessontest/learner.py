"""The ordinary user that page sessions run as on the practice cluster, as a learner is one.

When the tests run as root (CI, or an instructor's `sudo make test`), `session_user()` makes sure
the machine has the user `learner` and that the running practice cluster knows it as root's
colleague: the same account and QOS, and a place in every reservation root has (the strict mode's
course reservation). It is what `sacctmgr add user` and `scontrol update reservation` do for a
new member of a course. Page sessions then run as that user (`runuser`), so the recordings show
what a learner sees: their own user name and ID, not root's. Run as any other user, the tests
run the sessions as that user.
"""

from __future__ import annotations

import fcntl
import os
import pathlib
import pwd
import subprocess

from lessontest.paths import VENV_BIN

NAME = "learner"
_LOCK = pathlib.Path("/tmp/lessontest-learner.lock")


def _out(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def _registered(account: str) -> bool:
    listed = _out(
        "sacctmgr",
        "--noheader",
        "--parsable2",
        "show",
        "assoc",
        f"user={NAME}",
        f"account={account}",
        "format=Account",
    )
    return account in listed.splitlines()


def session_user() -> str | None:
    """The user to run page sessions as (`learner`, ready to submit jobs), or None when the
    tests do not run as root (then they run as the user they run as)."""
    if os.geteuid() != 0:
        return None
    with open(_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # several test workers may ask at once
        try:
            pwd.getpwnam(NAME)
        except KeyError:
            _out("useradd", "--create-home", "--shell", "/bin/bash", NAME)
        root = _out(
            "sacctmgr", "--noheader", "--parsable2", "show", "user", "root", "format=DefaultAccount"
        )
        if not _registered(root):
            qos = _out(
                "sacctmgr",
                "--noheader",
                "--parsable2",
                "show",
                "assoc",
                "user=root",
                f"account={root}",
                "format=QOS",
            ).splitlines()[0]
            _out(
                "sacctmgr",
                "--immediate",
                "add",
                "user",
                NAME,
                f"account={root}",
                f"defaultaccount={root}",
                f"qos={qos}",
                f"defaultqos={qos.split(',')[0]}",
            )
            assert _registered(root), f"sacctmgr did not add {NAME} to the account {root}"
        for line in _out("scontrol", "--oneliner", "show", "reservation").splitlines():
            fields = dict(word.split("=", 1) for word in line.split() if "=" in word)
            users = fields.get("Users", "").split(",")
            if "root" in users and NAME not in users:
                _out(
                    "scontrol",
                    "update",
                    f"reservationname={fields['ReservationName']}",
                    f"users+={NAME}",
                )
    return NAME


def _open_way_to(path: pathlib.Path) -> None:
    """Let others pass through (not list) every folder above `path`."""
    for parent in path.parents:
        if not parent.stat().st_mode & 0o001:
            parent.chmod(parent.stat().st_mode | 0o001)


def hand_over(user: str, *folders: pathlib.Path) -> None:
    """Give `user` the folders (and everything in them) and a way into them, and to the lesson's
    Python: the test's temporary folders, and often the interpreter the virtual environment
    links to (e.g. pyenv's in /root), are root's and closed to others."""
    _open_way_to(pathlib.Path(os.path.realpath(VENV_BIN / "python")))
    for folder in folders:
        subprocess.run(["chown", "-R", f"{user}:", str(folder)], check=True)
        _open_way_to(folder)


def environment(user: str, env: dict[str, str]) -> dict[str, str]:
    """`env` as `user`'s login would have it: their home, name."""
    home = pwd.getpwnam(user).pw_dir
    return {**env, "HOME": home, "USER": user, "LOGNAME": user}
