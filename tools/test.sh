#!/usr/bin/env bash
# The test stages of the Makefile: `bash tools/test.sh STAGE [PYTEST ARGS...]`, run by make with
# PY (the venv's Python) and WORKERS set (CONTRIBUTING.md, "Tests"). A stage stops at its first
# failure, as make does. pytest's exit status 5, "no test selected", is no failure where the
# arguments select other tests.
#
#   all       what `make test` runs after the site build: every suite but the lifecycle and the
#             strict tests side by side, then the lifecycle test alone, then `sampling` and `strict`
#   code      the tests that need neither the cluster nor the browser, side by side
#   slurm     the tests that need the cluster, then the lifecycle test alone
#   sampling  the cluster's limit tests and its stop and restart, on the practice cluster started as
#             on a host without cgroup v1 (Slurm samples memory and kills a job over its --mem)
#   strict    the cluster examples again, on the practice cluster started strict, with the lesson
#             made for its site file
# `sampling` and `strict` restart the cluster for their tests, and in its default mode afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
WORKERS=${WORKERS:-auto}
stage=${1:?usage: tools/test.sh all|code|slurm|sampling|strict [pytest arguments]}
shift

# The suites run side by side on WORKERS pytest-xdist workers (each suite, a folder of tests/ or
# a file of on_cluster/ and practice_cluster/, stays on one worker: tests/conftest.py says why);
# WORKERS=0 runs everything in one process.
side_by_side=()
[ "$WORKERS" = 0 ] || side_by_side=(--numprocesses "$WORKERS" --dist loadgroup --no-loadscope-reorder)

# The lifecycle test stops and restarts the local cluster, so it runs alone, after the rest.
lifecycle() {
    "$PY" -m pytest -m lifecycle "$@" || [ $? -eq 5 ]
}

# Runs "$@" on the restarted cluster, then restarts the cluster in its default mode, whatever the
# tests did, and fails when they did.
then_default_cluster() {
    local status=0
    "$@" || status=$?
    if bash cluster/down.sh >/dev/null; then bash cluster/up.sh >/dev/null || true; fi
    [ $status -eq 0 ] || [ $status -eq 5 ]
}

SAMPLED=(tests/practice_cluster/test_limits.py tests/practice_cluster/test_local_cluster.py)
sampled_tests() {
    "$PY" -m pytest -m "not lifecycle" "${SAMPLED[@]}" "$@" && lifecycle "${SAMPLED[@]}" "$@"
}
sampling() {
    bash cluster/down.sh
    LESSON_MEMORY_LIMITS=sampling bash cluster/up.sh
    then_default_cluster sampled_tests "$@"
}

STRICT_SITE=practice-strict
strict_tests() {
    LESSON_SITE=$STRICT_SITE "$PY" -m pytest -m "(site or strict) and not lifecycle" "$@"
}
strict() {
    bash cluster/down.sh
    bash cluster/up.sh --strict
    then_default_cluster strict_tests "$@"
}

case $stage in
    all)
        "$PY" -m pytest "${side_by_side[@]}" -m "not lifecycle and not strict" "$@"
        lifecycle "$@"
        sampling "$@"
        strict "$@"
        ;;
    code)
        "$PY" -m pytest "${side_by_side[@]}" -m "not slurm and not browser" "$@"
        ;;
    slurm)
        "$PY" -m pytest -m "slurm and not lifecycle and not strict" "$@"
        lifecycle "$@"
        ;;
    sampling | strict)
        "$stage" "$@"
        ;;
    *)
        echo "tools/test.sh: unknown stage '$stage' (all, code, slurm, sampling, strict)" >&2
        exit 2
        ;;
esac
