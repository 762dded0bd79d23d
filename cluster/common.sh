# shellcheck shell=bash disable=SC2034  # the settings are used by the scripts that source this
# Shared settings and helpers for cluster/up.sh and cluster/down.sh (sourced, not run).
#
# Everything the local cluster writes lives under one throwaway folder, $LESSON_SLURM_DIR
# (default /tmp/lesson-slurm). The only file outside it is the symlink /etc/slurm/slurm.conf,
# which up.sh makes and down.sh removes.

STATE=${LESSON_SLURM_DIR:-/tmp/lesson-slurm}
ETC=$STATE/etc            # slurm.conf, slurmdbd.conf
RUN=$STATE/run            # pid files of the Slurm daemons
LOG=$STATE/log            # every daemon's log
DB_DIR=$STATE/mariadb     # MariaDB's data files
DB_RUN=$STATE/mariadb-run # MariaDB's socket and pid file (owned by user mysql)
STARTED=$STATE/started    # "name pidfile" of every daemon up.sh started, in start order
MARKER=$STATE/.lesson-slurm  # proves the folder is ours before down.sh deletes it
LINK=/etc/slurm/slurm.conf
CLUSTER_NAME=lesson
PARTITION=lesson
ACCOUNT=lesson            # the learners' project account, every user's default
# The strict mode (up.sh --strict) is set up like many real sites: no default partition, a
# project account, a QOS and a reservation. Its settings (STRICT_*) are those of the site file
# sites/practice-strict.yaml, which up.sh reads when it starts the strict mode.
MODE_FILE=$STATE/mode     # "default" or "strict"
NODES=(c1 c2)             # compute nodes: one slurmd each, on ports NODE_PORT_BASE+1, +2, ...
NODE_PORT_BASE=6830
DB_PORT=${LESSON_SLURM_DB_PORT:-3307}
SLURM_PORTS="6817 6819 $(seq -s ' ' $((NODE_PORT_BASE + 1)) $((NODE_PORT_BASE + ${#NODES[@]})))"
# The cgroup v1 controllers that limit and measure jobs, and where each node's jobs live in them.
CGROUP_CONTROLLERS="memory freezer cpuset cpuacct"
CGROUP_ROOT=${LESSON_CGROUP_ROOT:-/sys/fs/cgroup}
# How memory limits are enforced: "cgroup" (the kernel stops a job at its --mem: OUT_OF_MEMORY,
# needs cgroup v1) or "sampling" (Slurm measures each job every second and kills one over its
# --mem: FAILED). up.sh picks cgroup where the host has it; LESSON_MEMORY_LIMITS forces either.
LIMITS_FILE=$STATE/memory-limits
PACKAGES="munge slurmctld slurmd slurm-client slurmdbd mariadb-server"

say() { printf '%s\n' "$*"; }
step() { printf '==> %s\n' "$*"; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }

# True when process $1 is alive and its command name is $2 (guards against a recycled pid).
pid_is() {
    local pid=$1 name=$2
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/comm ]] || return 1
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$name" ]]
}

# Pids of running processes called exactly $1 (read from /proc, no pgrep needed), on this
# machine itself: processes in containers (another PID namespace) are not counted.
pids_named() {
    local name=$1 comm dir ours
    ours=$(readlink /proc/self/ns/pid)
    for comm in /proc/[0-9]*/comm; do
        [[ $(cat "$comm" 2>/dev/null) == "$name" ]] || continue
        dir=${comm%/comm}
        [[ $(readlink "$dir/ns/pid" 2>/dev/null) == "$ours" ]] && printf '%s\n' "${dir#/proc/}"
    done
    return 0
}

# True when something listens on 127.0.0.1:$1.
port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True when every daemon recorded in $STARTED is still alive.
all_started_alive() {
    [[ -f $STARTED ]] || return 1
    local name pidfile pid
    while read -r name pidfile; do
        [[ -n $name ]] || continue
        pid=$(cat "$pidfile" 2>/dev/null) || return 1
        pid_is "$pid" "$name" || return 1
    done <"$STARTED"
    return 0
}

# The cgroup folders of the cluster's nodes, deepest first (Slurm makes one per node and
# controller, slurm_<node>, with a folder per job and step inside).
cluster_cgroups() {
    local controller node
    for controller in $CGROUP_CONTROLLERS; do
        for node in "${NODES[@]}"; do
            [[ -d $CGROUP_ROOT/$controller/slurm_$node ]] || continue
            find "$CGROUP_ROOT/$controller/slurm_$node" -depth -type d
        done
    done
}
