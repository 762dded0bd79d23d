#!/usr/bin/env bash
# Podman in a network namespace of its own, for machines like the project's CI (root, no registry
# of container images, other services on this machine's loopback). tools/podman/README.md says why.
#
#   bash tools/podman/netns.sh up          make the namespace, with outbound access (slirp4netns)
#   bash tools/podman/netns.sh run CMD...  run CMD inside it, with tools/podman/containers.conf
#   bash tools/podman/netns.sh down        stop that slirp4netns (by its pid), delete the namespace
#   bash tools/podman/netns.sh status      exit 0 if the namespace is up, 1 if not
#
# `run` brings the namespace up first if needed. Podman's bridge networks, its firewall rules and
# IP forwarding then live inside the namespace only; the machine's own network is never touched.
# LESSON_PODMAN_NETNS names the namespace (default lesson-podman).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NS=${LESSON_PODMAN_NETNS:-lesson-podman}
PIDFILE=/run/$NS.slirp4netns.pid

die() { printf 'netns: %s\n' "$*" >&2; exit 1; }

[[ $NS =~ ^[a-z][a-z0-9-]{0,30}$ ]] || die "bad namespace name '$NS' (letters, digits, -)"

slirp_pid() {
    local pid
    pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ && $(cat "/proc/$pid/comm" 2>/dev/null) == slirp4netns ]] || return 1
    printf '%s\n' "$pid"
}

up() {
    [[ $(id -u) -eq 0 ]] || die "needs root (it makes a network namespace)"
    local tool
    for tool in ip nsenter slirp4netns podman; do
        command -v "$tool" >/dev/null || die "$tool is missing (apt-get install iproute2 $tool)"
    done
    slirp_pid >/dev/null && return 0
    [[ -e /run/netns/$NS ]] || ip netns add "$NS"
    ip -n "$NS" link set lo up
    # Own session, so that a timeout or Ctrl-C that ends the caller does not end it.
    setsid slirp4netns --configure --mtu=65520 --disable-host-loopback \
        --netns-type=path "/run/netns/$NS" tap0 </dev/null >/dev/null 2>&1 &
    echo $! >"$PIDFILE"
    local _
    for _ in $(seq 50); do
        ip -n "$NS" -4 addr show tap0 2>/dev/null | grep -q 'inet ' && return 0
        sleep 0.1
    done
    die "slirp4netns did not configure tap0 in namespace $NS within 5 s"
}

down() {
    local pid
    if pid=$(slirp_pid); then
        kill "$pid"
        while [[ -e /proc/$pid ]]; do sleep 0.1; done
    fi
    rm -f "$PIDFILE"
    if [[ -e /run/netns/$NS ]]; then ip netns delete "$NS"; fi
}

case ${1:-} in
    up) up ;;
    down) down ;;
    status) slirp_pid >/dev/null ;;
    run)
        shift
        (($#)) || die "usage: netns.sh run COMMAND [ARGS...]"
        up
        # nsenter, not `ip netns exec`: that one mounts a fresh /sys, which hides the cgroup
        # file systems that runc needs.
        exec nsenter --net="/run/netns/$NS" -- env CONTAINERS_CONF="$HERE/containers.conf" "$@"
        ;;
    *) die "usage: netns.sh up | run COMMAND [ARGS...] | down | status" ;;
esac
