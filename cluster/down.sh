#!/usr/bin/env bash
# Stop the local Slurm cluster that cluster/up.sh started, and delete its files: `make cluster-down`.
#
# Stops exactly the daemons up.sh recorded (by the pid in each one's pid file, newest first),
# removes the nodes' cgroup folders and the symlink /etc/slurm/slurm.conf that up.sh made, and
# deletes $LESSON_SLURM_DIR (default /tmp/lesson-slurm). Installed packages stay installed. Safe
# to run when nothing runs.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=cluster/common.sh
source "$HERE/common.sh"

if [[ ! -f $MARKER ]]; then
    if [[ -e $STATE ]]; then
        die "$STATE was not made by cluster/up.sh; leaving it alone."
    fi
    say "No local Slurm cluster is running (no $STATE); nothing to stop."
    exit 0
fi
[[ $(id -u) -eq 0 ]] || die "stopping the local cluster needs root (it was started as root). Run: sudo make cluster-down"

# Cancel jobs that are still queued or running, so no job keeps running after its node is gone.
if [[ -L $LINK ]] && command -v squeue >/dev/null; then
    jobs=$(SLURM_CONF=$ETC/slurm.conf timeout 10 squeue --noheader --format=%A 2>/dev/null | sort -u || true)
    if [[ -n $jobs ]]; then
        step "Cancelling jobs still in the queue: $(tr '\n' ' ' <<<"$jobs")"
        # shellcheck disable=SC2086
        SLURM_CONF=$ETC/slurm.conf timeout 10 scancel $jobs 2>/dev/null || true
        for _ in $(seq 50); do
            [[ -z $(SLURM_CONF=$ETC/slurm.conf timeout 5 squeue --noheader 2>/dev/null || true) ]] && break
            sleep 0.2
        done
    fi
fi

# Stop the daemons in the reverse order of their start.
if [[ -f $STARTED ]]; then
    mapfile -t records < <(tac "$STARTED")
    for record in "${records[@]}"; do
        read -r name pidfile <<<"$record"
        [[ -n ${name:-} ]] || continue
        pid=$(cat "$pidfile" 2>/dev/null || true)
        if ! pid_is "$pid" "$name"; then
            say "==> $name is not running"
            continue
        fi
        step "Stopping $name (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 150); do
            pid_is "$pid" "$name" || break
            sleep 0.2
        done
        if pid_is "$pid" "$name"; then
            say "    $name did not stop within 30 s: killing it"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
        fi
    done
fi

# The nodes' cgroup folders (Slurm leaves them behind), deepest first; rmdir only removes empty
# ones, so a folder that still holds a process stays, and is named.
mapfile -t cgroups < <(cluster_cgroups)
if ((${#cgroups[@]})); then
    step "Removing the jobs' cgroup folders ($CGROUP_ROOT/*/slurm_<node>)"
    for dir in "${cgroups[@]}"; do
        rmdir "$dir" 2>/dev/null || say "    could not remove $dir (a process still runs in it)"
    done
fi

if [[ -L $LINK && $(readlink "$LINK") == "$ETC/slurm.conf" ]]; then
    step "Removing the symlink $LINK"
    rm -f "$LINK"
fi
step "Deleting $STATE"
rm -rf -- "$STATE"
say "The local Slurm cluster is stopped."
