#!/usr/bin/env bash
# What `make venv`, `make html` and `make test` need from the system besides make: Graphviz's
# `dot` (the build draws the workflow graphs with it) and, until .venv exists, a Python that can
# make a virtual environment (Debian and Ubuntu ship its venv module as a separate package).
#
# Run by the Makefile before it makes .venv. When something is missing: as root on Debian or
# Ubuntu, installs it with apt-get (as `make cluster-up` does); otherwise stops at once with one
# line that gives the command that installs it, and changes nothing.
#
#   bash tools/system_packages.sh PYTHON VENV
#
# LESSON_UID, if set, is used instead of the real user ID (the tests act as a normal user).
set -euo pipefail

usage="usage: bash tools/system_packages.sh PYTHON VENV"
python=${1:?$usage}
venv=${2:?$usage}

missing=()
command -v dot >/dev/null || missing+=(graphviz)
if [[ ! -x $venv/bin/python ]]; then
    if ! command -v "$python" >/dev/null; then
        missing+=(python3 python3-venv)
    elif ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
        missing+=(python3-venv)
    fi
fi
((${#missing[@]})) || exit 0

fail() { printf 'make: %s\n' "$*" >&2; exit 1; }
if ! command -v apt-get >/dev/null; then
    fail "missing ${missing[*]} (Graphviz's dot, Python 3.11 with its venv module); install them with your system's package manager, then run make again"
fi
if [[ ${LESSON_UID:-$(id -u)} -ne 0 ]]; then
    fail "missing ${missing[*]}; install with: sudo apt-get install ${missing[*]}"
fi

printf '==> Installing %s with apt-get\n' "${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt=(apt-get -o DPkg::Lock::Timeout=600 -qq)
log=$(mktemp /tmp/lesson-apt.XXXXXX.log)
# A fresh machine may not have read the package lists yet: read them only if that is why it fails.
if ! "${apt[@]}" -y --no-install-recommends install "${missing[@]}" >"$log" 2>&1; then
    { "${apt[@]}" update && "${apt[@]}" -y --no-install-recommends install "${missing[@]}"; } \
        >>"$log" 2>&1 || { tail -n 20 "$log" >&2; fail "apt-get could not install ${missing[*]} (log: $log)"; }
fi
rm -f "$log"
command -v dot >/dev/null || fail "graphviz is installed but dot is not on PATH"
