#!/usr/bin/env bash
# Start a throwaway practice Slurm cluster on this machine: `make cluster-up`.
#
# Needs Debian or Ubuntu and root. Installs what is missing with apt (munge, Slurm,
# slurmdbd, MariaDB), writes a configuration that fits this machine (from `slurmd -C`), and starts
# munged, MariaDB, slurmdbd, slurmctld and one slurmd per compute node, with all their state in
# $LESSON_SLURM_DIR (default /tmp/lesson-slurm). Like a real cluster it has several nodes, needs
# an account for every job, and stops a job that uses more memory or time than it asked for.
# With cgroup v1 the kernel stops a job over its memory (OUT_OF_MEMORY); on a host
# without it (cgroup v2 only: most current systems) Slurm measures every job each second and
# kills one over its memory (FAILED). LESSON_MEMORY_LIMITS=cgroup|sampling forces one of them.
# Running it again while the cluster runs changes nothing. `make cluster-down` stops exactly
# these daemons and deletes the folder and the jobs' cgroups.
#
# `bash cluster/up.sh --strict` (make cluster-up STRICT=1) starts it set up like many real sites
# instead: two partitions with different time limits and no default one, a project account, a
# QOS that limits how many jobs a user may submit, and a reservation for the course. The lesson
# runs there once it is built for that site (sites/practice-strict.yaml; content/setup.md).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=cluster/common.sh
source "$HERE/common.sh"

mode=default
case "${1:-}" in
    "") ;;
    --strict) mode=strict ;;
    *) die "unknown option '$1'; the only option is --strict" ;;
esac

# The strict mode's settings (STRICT_PARTITIONS, STRICT_MAX_TIMES, STRICT_ACCOUNT, STRICT_QOS,
# STRICT_SUBMIT_LIMIT, STRICT_RESERVATION) as bash lines, from the site file
# sites/practice-strict.yaml: in the repository, read with the lesson's Python (make venv); in the
# learners' download, which holds no site file, from cluster/strict-site.sh, made from it.
strict_settings() {
    local root
    root=$(cd "$HERE/.." && pwd)
    if [[ -f $root/sites/practice-strict.yaml ]]; then
        [[ -x $root/.venv/bin/python ]] ||
            die "the strict mode reads sites/practice-strict.yaml with the lesson's Python, and there is no $root/.venv: run make venv first. Nothing was changed."
        (cd "$root" && .venv/bin/python -m lessontest.generators.site_files --cluster-settings) ||
            die "could not read sites/practice-strict.yaml (above). Nothing was changed."
    elif [[ -f $HERE/strict-site.sh ]]; then
        cat "$HERE/strict-site.sh"
    else
        die "the strict mode needs cluster/strict-site.sh (in the lesson's download) or sites/practice-strict.yaml (in its repository). Nothing was changed."
    fi
}
if [[ $mode == strict ]]; then
    strict_lines=$(strict_settings) || exit 1
    eval "$strict_lines"
fi

usage() {
    local nodes
    # A node in two partitions (strict mode) is listed twice: show it once.
    nodes=$(sinfo --noheader --Node --format='  %N: %c cores, %m MB memory, %T' 2>/dev/null | sort -u)
    cat <<EOF

The local Slurm cluster is running, with ${#NODES[@]} compute nodes on this machine:
${nodes:-  unknown}
$(settings)
  limits:     at most $(nproc) cores in use at once; a job is stopped when it uses more
              memory (--mem) or time (--time) than it asked for
$(memory_limits)
  accounting: sacct and sacctmgr work (cluster "$CLUSTER_NAME")
  files:      $STATE (logs in $LOG)

Try it:
  sinfo                              the nodes and their state
  sbatch $(try_options)--wrap="hostname; sleep 5"  submit a tiny job
  squeue                             jobs waiting or running
  sacct                              jobs that ran, with their state

Jobs run on this machine with the environment you submit them from: activate the
lesson's virtual environment (or put it on PATH) before sbatch, so jobs find Python.
Another user submits once root has added them:
  sacctmgr add user <name> account=$(current_account)$(current_qos)

Stop the cluster and delete its files with:  make cluster-down
EOF
}

# How a job over its memory is stopped (usage above).
memory_limits() {
    if [[ $(cat "$LIMITS_FILE" 2>/dev/null) == sampling ]]; then
        cat <<EOF
  memory:     checked by Slurm every second, not by the kernel: a job over its --mem is
              killed and ends FAILED with "Exceeded job memory limit" (most clusters: the
              kernel stops it at once, OUT_OF_MEMORY)
EOF
    else
        echo "  memory:     enforced by the kernel (cgroup v1): a job over its --mem ends OUT_OF_MEMORY"
    fi
}

# What a tiny job must name on this cluster (usage above), by mode.
try_options() {
    if [[ $(cat "$MODE_FILE" 2>/dev/null) == strict ]]; then
        echo "--partition=${STRICT_PARTITIONS[0]} --reservation=$STRICT_RESERVATION "
    fi
}
current_account() { [[ $(cat "$MODE_FILE" 2>/dev/null) == strict ]] && echo "$STRICT_ACCOUNT" || echo "$ACCOUNT"; }
current_qos() { if [[ $(cat "$MODE_FILE" 2>/dev/null) == strict ]]; then echo " qos=$STRICT_QOS"; fi; }

# What a job must name on this cluster, by mode (usage above).
settings() {
    if [[ $(cat "$MODE_FILE" 2>/dev/null) == strict ]]; then
        cat <<EOF
  mode:        strict, like many real sites; a job must name a partition and the reservation
  partitions:  ${STRICT_PARTITIONS[0]} (at most ${STRICT_MAX_TIMES[0]}), ${STRICT_PARTITIONS[1]} (at most ${STRICT_MAX_TIMES[1]}); no default
  account:     $STRICT_ACCOUNT (your only one); QOS $STRICT_QOS, at most $STRICT_SUBMIT_LIMIT jobs queued at once
  reservation: $STRICT_RESERVATION (all nodes, for the users added below)
  site file:   sites/practice-strict.yaml; its site.env sets all of these for sbatch and srun
EOF
    else
        cat <<EOF
  partition:  $PARTITION (the default; jobs need no --partition)
  account:    $ACCOUNT (your default; jobs need no --account)
EOF
    fi
}

# --- 1. Check everything before changing anything ---------------------------------------------
os_id=""; os_like=""
if [[ -r /etc/os-release ]]; then
    # shellcheck source=/dev/null  # the system's file, not part of this repository
    os_id=$(. /etc/os-release && printf '%s' "${ID:-}")
    # shellcheck source=/dev/null
    os_like=$(. /etc/os-release && printf '%s' "${ID_LIKE:-}")
fi
if [[ $(uname -s) != Linux ]] || ! [[ " $os_id $os_like " =~ \ (debian|ubuntu)\  ]] \
        || ! command -v apt-get >/dev/null; then
    die "the local cluster needs Debian or Ubuntu Linux with apt-get (found: ${os_id:-$(uname -s)}). Nothing was changed. Use a Debian/Ubuntu machine or virtual machine, or an account on a real cluster."
fi
if [[ $(id -u) -ne 0 ]]; then
    die "the local cluster needs root to install packages and start daemons. Nothing was changed. Run: sudo make cluster-up"
fi

# Jobs' memory is limited, and their processes tracked, with cgroup v1 (Slurm 22.05's cgroup/v1)
# where the host has its controllers and accounts swap; otherwise by Slurm's own sampling.
# (Slurm's cgroup/v2 plugin needs systemd to hand it a cgroup tree, which this cluster's
# daemons, started by hand, do not get.)
no_cgroup_v1=""
missing_cg=()
for controller in $CGROUP_CONTROLLERS; do
    [[ -f $CGROUP_ROOT/$controller/tasks ]] || missing_cg+=("$controller")
done
if ((${#missing_cg[@]})); then
    no_cgroup_v1="this machine has no cgroup v1 controller ${missing_cg[*]} under $CGROUP_ROOT (a cgroup v2-only system)"
elif [[ ! -f $CGROUP_ROOT/memory/memory.memsw.limit_in_bytes ]]; then
    no_cgroup_v1="this kernel does not account swap in cgroup v1 ($CGROUP_ROOT/memory/memory.memsw.limit_in_bytes is missing; boot with swapaccount=1 to change that)"
fi
case "${LESSON_MEMORY_LIMITS:-}" in
    "") limits=${no_cgroup_v1:+sampling}; limits=${limits:-cgroup} ;;
    cgroup)
        [[ -z $no_cgroup_v1 ]] ||
            die "LESSON_MEMORY_LIMITS=cgroup, but $no_cgroup_v1. Nothing was changed."
        limits=cgroup ;;
    sampling) limits=sampling ;;
    *) die "LESSON_MEMORY_LIMITS is '$LESSON_MEMORY_LIMITS'; it can be cgroup or sampling (or unset: chosen from this machine)" ;;
esac

if [[ -f $MARKER ]]; then
    if all_started_alive && sinfo --noheader >/dev/null 2>&1; then
        running=$(cat "$MODE_FILE" 2>/dev/null || echo default)
        if [[ $running != "$mode" ]]; then
            die "the local cluster is already running in $running mode; stop it first (make cluster-down), then start it in $mode mode."
        fi
        running=$(cat "$LIMITS_FILE" 2>/dev/null || echo cgroup)
        if [[ -n ${LESSON_MEMORY_LIMITS:-} && $running != "$limits" ]]; then
            die "the local cluster is already running with memory limits by $running; stop it first (make cluster-down), then start it with $limits."
        fi
        say "The local Slurm cluster is already running (state in $STATE); nothing to do."
        usage
        exit 0
    fi
    step "A previous local cluster in $STATE is only partly running: cleaning it up first"
    bash "$HERE/down.sh"
fi

if [[ -e $LINK || -L $LINK ]]; then
    die "$LINK already exists, so this machine has a Slurm configuration of its own. Nothing was changed. The local cluster is only for machines without one; use that cluster instead."
fi
for daemon in slurmctld slurmd slurmdbd; do
    if [[ -n $(pids_named "$daemon") ]]; then
        die "a $daemon is already running on this machine (pid $(pids_named "$daemon" | tr '\n' ' ')). Nothing was changed. Stop it first, or use that cluster."
    fi
done
for port in $SLURM_PORTS $DB_PORT; do
    if port_busy "$port"; then
        die "port $port on 127.0.0.1 is already in use, and the local cluster needs it. Nothing was changed. (The database port can be moved with LESSON_SLURM_DB_PORT=<port>.)"
    fi
done
if [[ -e $STATE ]]; then
    die "$STATE exists but was not made by this script. Nothing was changed. Remove it, or choose another folder with LESSON_SLURM_DIR=<path>."
fi

started_at=$SECONDS

# --- 2. Install what is missing ------------------------------------------------------------------
missing=()
for pkg in $PACKAGES; do
    if [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]})); then
    step "Installing ${missing[*]} (about a minute)"
    # Keep the packages' own service scripts from starting daemons we did not ask for.
    made_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        made_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt_ok=1
    {
        apt-get -o DPkg::Lock::Timeout=600 -qq update &&
        apt-get -o DPkg::Lock::Timeout=600 -y -qq --no-install-recommends install "${missing[@]}"
    } >/tmp/lesson-slurm-apt.log 2>&1 || apt_ok=0
    ((made_policy)) && rm -f /usr/sbin/policy-rc.d
    if ((!apt_ok)); then
        tail -n 20 /tmp/lesson-slurm-apt.log >&2
        die "apt-get could not install ${missing[*]} (full log: /tmp/lesson-slurm-apt.log). No daemon was started."
    fi
else
    step "Packages already installed: $PACKAGES"
fi

# From here on, a failure stops whatever was started and removes the state folder.
cleanup_on_error() {
    local rc=$?
    printf 'cluster: start-up failed (exit %s); stopping what was started.\n' "$rc" >&2
    for f in "$LOG"/*.log; do
        [[ -s $f ]] && { printf -- '--- last lines of %s ---\n' "$f" >&2; tail -n 8 "$f" >&2; }
    done
    bash "$HERE/down.sh" >&2 || true
    exit "$rc"
}
trap cleanup_on_error ERR

mkdir -p "$ETC" "$RUN" "$LOG" "$DB_DIR" "$DB_RUN" "$STATE/ctld" "$STATE/slurmd"
touch "$MARKER"
echo "$mode" >"$MODE_FILE"
echo "$limits" >"$LIMITS_FILE"
: >"$STARTED"
chown mysql:mysql "$DB_DIR" "$DB_RUN"

# Wait until command "$@" succeeds, at most $1 seconds; returns 1 on timeout.
wait_for() {
    local limit=$1; shift
    local end=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < end)) || return 1
        sleep 0.2
    done
}
pidfile_ready() { [[ -s $1 ]]; }

# --- 3. Configuration ---------------------------------------------------------------------------
# The strict mode pins jobs to their cores, as most sites do.
pin_plugin=""
[[ $mode == strict ]] && pin_plugin=",task/affinity"
step "Writing the configuration for this machine into $ETC"
node_line=$(slurmd -C | head -n 1)
host=$(hostname -s)
cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$node_line")
mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$node_line")
[[ -n $cpus && -n $mem ]] || { echo "cannot read 'slurmd -C': $node_line" >&2; false; }
# The machine's layout of cores (Boards=... ThreadsPerCore=...), the same on every node.
layout=$(sed -e 's/^NodeName=[^ ]* //' -e 's/ RealMemory=[0-9]*//' <<<"$node_line")
# Each node gets an equal share of the memory, so that together they have what the machine has.
node_mem=$((mem / ${#NODES[@]}))
# Without a default, a job that does not ask for memory gets the whole node and jobs run one by one.
def_mem=$((node_mem / cpus))
((def_mem > 2048)) && def_mem=2048
db_pass=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

{
    cat <<EOF
# Generated by cluster/up.sh for a throwaway practice cluster; deleted by cluster/down.sh.
# Every node is a slurmd on this machine, with its own port; each declares all of the machine's
# cores, so that a job may ask for as many cores as the machine has. The account "$ACCOUNT"
# (every user's default) may hold at most $cpus cores at once (GrpTRES): never more work at once
# than the machine has cores, as a site limits a group.
ClusterName=$CLUSTER_NAME
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
# Memory use (MaxRSS in sacct) is sampled every second, so that short jobs are measured too.
JobAcctGatherFrequency=task=1
EOF
    if [[ $mode == strict ]]; then
        cat <<EOF
# As on most sites, a job runs only on the cores it was given (task/affinity; with cgroups also
# ConstrainCores=yes): its thread pools see those alone. Every node's first core is the machine's
# first, so jobs fill the first node (Weight) before the next, and the scheduler waits for a
# finishing job to leave its node (CompleteWait) rather than start the next one on another:
# two nodes never pin two jobs to one core.
CompleteWait=5
EOF
    else
        cat <<EOF
# Cores are not pinned: the nodes share the machine's cores, and pinning would put the jobs of
# every node on the same ones (the strict mode pins, and fills one node first).
EOF
    fi
    if [[ $limits == cgroup ]]; then
        cat <<EOF
# Jobs live in control groups: their processes are tracked there, and their memory is limited to
# what they asked for (cgroup.conf).
ProctrackType=proctrack/cgroup
TaskPlugin=task/cgroup${pin_plugin}
JobAcctGatherType=jobacct_gather/cgroup
# Every job's processes, also those that reach its node other than through Slurm (ssh), belong
# to it: the job's ".extern" step, which sacct lists beside ".batch".
PrologFlags=Contain
EOF
    else
        cat <<EOF
# This machine has no cgroup v1 for Slurm: Slurm tracks a job's processes itself, and kills a
# job whose processes together use more memory than it asked for, at its next sample (each
# second): the job ends FAILED, "Exceeded job memory limit".
ProctrackType=proctrack/linuxproc
TaskPlugin=$([[ -n $pin_plugin ]] && echo task/affinity || echo task/none)
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherParams=OverMemoryKill
EOF
    fi
    cat <<EOF
# A job past its --time is stopped at once, and killed 5 s after the signal to stop.
OverTimeLimit=0
KillWait=5
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
# Like most real clusters: a job needs a known account, and account limits hold.
AccountingStorageEnforce=associations,limits,qos
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/slurmd/%n
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd-%n.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd-%n.log
EOF
    port=$NODE_PORT_BASE
    for node in "${NODES[@]}"; do
        port=$((port + 1))
        echo "NodeName=$node NodeHostname=$host NodeAddr=127.0.0.1 Port=$port $layout" \
            "RealMemory=$node_mem State=UNKNOWN${pin_plugin:+ Weight=$((port - NODE_PORT_BASE))}"
    done
    # LLN: each job goes to the least loaded node, so that jobs spread over the nodes (not where
    # jobs are pinned: there they fill the first node first).
    all_nodes=$(IFS=,; echo "${NODES[*]}")
    if [[ $mode == strict ]]; then
        # As at many sites, a job that asks for more than its partition allows is refused at
        # once instead of waiting for ever.
        echo "EnforcePartLimits=ALL"
        for i in "${!STRICT_PARTITIONS[@]}"; do
            echo "PartitionName=${STRICT_PARTITIONS[$i]} Nodes=$all_nodes Default=NO" \
                "MaxTime=${STRICT_MAX_TIMES[$i]} State=UP DefMemPerCPU=$def_mem LLN=NO"
        done
    else
        echo "PartitionName=$PARTITION Nodes=$all_nodes Default=YES" \
            "MaxTime=INFINITE State=UP DefMemPerCPU=$def_mem LLN=YES"
    fi
} >"$ETC/slurm.conf"

[[ $limits == sampling ]] || cat >"$ETC/cgroup.conf" <<EOF
# Generated by cluster/up.sh: a job that uses more memory than it asked for (--mem) is stopped
# by the kernel (OUT_OF_MEMORY), swap included.
CgroupPlugin=cgroup/v1
CgroupAutomount=no
ConstrainRAMSpace=yes
ConstrainSwapSpace=yes
AllowedSwapSpace=0
ConstrainCores=$([[ -n $pin_plugin ]] && echo yes || echo no)
ConstrainDevices=no
EOF

cat >"$ETC/slurmdbd.conf" <<EOF
# Generated by cluster/up.sh; deleted by cluster/down.sh.
AuthType=auth/munge
DbdHost=localhost
SlurmUser=root
LogFile=$LOG/slurmdbd.log
PidFile=$RUN/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=$db_pass
StorageLoc=slurm_acct_db
EOF
chmod 600 "$ETC/slurmdbd.conf"
export SLURM_CONF=$ETC/slurm.conf

# --- 4. Daemons ------------------------------------------------------------------------------------
# munge: reuse a munged that already answers; otherwise start one (and remember it).
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    step "munged is already running on this machine: using it"
else
    step "Starting munged (authentication between Slurm's daemons and commands)"
    if [[ ! -s /etc/munge/munge.key ]]; then
        if command -v mungekey >/dev/null; then runuser -u munge -- mungekey --create; else
            dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
            chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; fi
    fi
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    chmod 755 /run/munge
    rm -f /run/munge/munged.pid
    runuser -u munge -- munged --force
    wait_for 15 pidfile_ready /run/munge/munged.pid
    echo "munged /run/munge/munged.pid" >>"$STARTED"
    wait_for 15 bash -c 'munge -n | unmunge'
fi

step "Starting MariaDB (the accounting database) in $DB_DIR"
mariadb-install-db --user=mysql --datadir="$DB_DIR" --skip-test-db \
    --auth-root-authentication-method=socket >"$LOG/mariadb-install.log" 2>&1
setsid mariadbd --user=mysql --datadir="$DB_DIR" --socket="$DB_RUN/mariadb.sock" \
    --pid-file="$DB_RUN/mariadbd.pid" --port="$DB_PORT" --bind-address=127.0.0.1 \
    --log-error="$LOG/mariadb.log" --skip-log-bin --innodb-buffer-pool-size=64M \
    --innodb-lock-wait-timeout=900 </dev/null >/dev/null 2>&1 &
wait_for 60 pidfile_ready "$DB_RUN/mariadbd.pid"
echo "mariadbd $DB_RUN/mariadbd.pid" >>"$STARTED"
wait_for 60 mariadb-admin --socket="$DB_RUN/mariadb.sock" ping
mariadb --socket="$DB_RUN/mariadb.sock" -u root <<EOF
CREATE DATABASE slurm_acct_db;
CREATE USER 'slurm'@'127.0.0.1' IDENTIFIED BY '$db_pass';
CREATE USER 'slurm'@'localhost' IDENTIFIED BY '$db_pass';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
EOF

step "Starting slurmdbd (job accounting: sacct, sacctmgr)"
slurmdbd
wait_for 30 pidfile_ready "$RUN/slurmdbd.pid"
echo "slurmdbd $RUN/slurmdbd.pid" >>"$STARTED"
wait_for 60 port_busy 6819

step "Starting slurmctld (the scheduler)"
slurmctld
wait_for 30 pidfile_ready "$RUN/slurmctld.pid"
echo "slurmctld $RUN/slurmctld.pid" >>"$STARTED"
wait_for 60 scontrol ping

step "Linking $LINK to the generated configuration"
mkdir -p /etc/slurm
ln -s "$ETC/slurm.conf" "$LINK"

step "Starting slurmd ${#NODES[@]} times, once per compute node: ${NODES[*]}"
for node in "${NODES[@]}"; do
    mkdir -p "$STATE/slurmd/$node"
    slurmd -N "$node"
    wait_for 30 pidfile_ready "$RUN/slurmd-$node.pid"
    echo "slurmd $RUN/slurmd-$node.pid" >>"$STARTED"
done

nodes_idle() {
    local states
    # A node in two partitions is listed twice: count each node once.
    states=$(sinfo --noheader --Node --format='%N %T' | sort -u | awk '{print $2}' | uniq -c |
        awk '{print $1, $2}')
    [[ $states == "${#NODES[@]} idle" ]]
}
if ! wait_for 90 nodes_idle; then
    echo "the nodes did not become idle within 90 s: $(sinfo --noheader --Node --format='%N %T %E' | tr '\n' ';')" >&2
    false
fi
cluster_known() { sacctmgr --noheader --parsable2 list cluster format=cluster | grep -qx "$CLUSTER_NAME"; }
if ! wait_for 60 cluster_known; then
    echo "slurmdbd did not register the cluster within 60 s" >&2
    false
fi

# Accounts and limits, as on a real cluster: every user who submits needs an account. root (who
# runs the tests) and the user who ran sudo get one project account as their default. The QOS
# every job gets holds at most as many cores at once as the machine has.
users=(root)
[[ -n ${SUDO_USER:-} && ${SUDO_USER:-} != root ]] && users+=("$SUDO_USER")
if [[ $mode == strict ]]; then
    account=$STRICT_ACCOUNT qos=$STRICT_QOS
else
    account=$ACCOUNT qos=normal
fi
step "Adding the account $account and the limit of $cpus cores in use at once (QOS $qos)"
sacctmgr --immediate --quiet add account "$account" Description="the lesson's project" \
    Organization=lesson >/dev/null
if [[ $mode == strict ]]; then
    sacctmgr --immediate --quiet add qos "$qos" GrpTRES=cpu="$cpus" \
        MaxSubmitJobsPerUser="$STRICT_SUBMIT_LIMIT" >/dev/null
    user_qos=(QOS="$qos" DefaultQOS="$qos")
else
    sacctmgr --immediate --quiet modify qos "$qos" set GrpTRES=cpu="$cpus" >/dev/null
    user_qos=()
fi
for user in "${users[@]}"; do
    sacctmgr --immediate --quiet add user "$user" Account="$account" DefaultAccount="$account" \
        "${user_qos[@]}" >/dev/null
    sacctmgr --immediate --quiet modify user "$user" set DefaultAccount="$account" >/dev/null
done
limits_known() {
    scontrol show assoc_mgr flags=qos qos="$qos" | grep -q "GrpTRES=cpu=$cpus(" &&
        scontrol show assoc_mgr flags=assoc users=root accounts="$account" | grep -q "Account=$account"
}
if ! wait_for 30 limits_known; then
    echo "slurmctld did not learn the account and its limit within 30 s" >&2
    false
fi
if [[ $mode == strict ]]; then
    step "Reserving every node for the course: reservation $STRICT_RESERVATION"
    scontrol create reservation ReservationName="$STRICT_RESERVATION" \
        Users="$(IFS=,; echo "${users[*]}")" Nodes=ALL StartTime=now Duration=UNLIMITED >/dev/null
fi
trap - ERR

say "Started in $((SECONDS - started_at)) s."
usage
