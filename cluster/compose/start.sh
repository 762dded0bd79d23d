#!/usr/bin/env bash
# What each machine of the practice cluster runs when it starts (compose.yaml
# names the role):
#   controller  munged, MariaDB, slurmdbd (accounting), slurmctld (scheduler)
#   node        munged, slurmd (runs the jobs sent to this node)
#   login       munged, and nothing else: you submit jobs from here
set -euo pipefail

role=${1:-}
case $role in
    controller | node | login) ;;
    *) echo "start.sh: unknown role '$role' (controller, node, login)" >&2
       exit 1 ;;
esac

bash /opt/cluster/slurm-conf.sh
mkdir -p /var/log/slurm /var/spool/slurmctld /var/spool/slurmd /run/munge
chown munge:munge /run/munge
# munge proves to each daemon who sent a message. The key was made when the
# image was built, so every machine of the cluster has the same one.
runuser -u munge -- munged

# Wait until "$@" succeeds, at most 60 s.
wait_for() {
    local _
    for _ in $(seq 300); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "start.sh: gave up waiting for: $*" >&2
    return 1
}

case $role in
    controller)
        mkdir -p /run/mysqld
        chown mysql:mysql /run/mysqld
        mariadbd --user=mysql --skip-networking >/var/log/mariadb.log 2>&1 &
        wait_for mariadb-admin ping
        # The accounting database, made here rather than by slurmdbd: with
        # Debian 13's MariaDB client library, slurmdbd's first query fails
        # after it has made the database itself.
        mariadb --execute="CREATE DATABASE IF NOT EXISTS slurm_acct_db"
        slurmdbd
        wait_for sacctmgr --noheader list cluster
        # The cluster; the project account every job is charged to, root's
        # default (you are root in the login node); and at most as many cores
        # in use at once as the computer has (the QOS "normal" of every job).
        sacctmgr --immediate add cluster lesson >/dev/null
        sacctmgr --immediate add account lesson Cluster=lesson \
            Description="the lesson's project" Organization=lesson >/dev/null
        sacctmgr --immediate add user root Account=lesson \
            DefaultAccount=lesson >/dev/null
        sacctmgr --immediate modify qos normal set GrpTRES="cpu=$(nproc)" \
            >/dev/null
        exec slurmctld -D
        ;;
    node)
        exec slurmd -D
        ;;
    login)
        # Keep running until `compose down` stops the container.
        trap 'exit 0' TERM
        sleep infinity &
        wait
        ;;
esac
