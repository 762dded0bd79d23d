#!/usr/bin/env bash
# Write Slurm's configuration for the practice cluster into /etc/slurm. Every
# machine of the cluster runs this at its start (start.sh) and, on the same
# computer, writes the same files: two compute nodes, node1 and node2, that
# each offer every core of the computer, and half of its memory.
set -euo pipefail
(($# == 0)) || { echo "slurm-conf.sh: takes no arguments" >&2; exit 1; }

cpus=$(nproc)
mem_mb=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024))
node_mb=$((mem_mb / 2))
# A job that does not ask for memory gets this much per core.
def_mb=$((node_mb / cpus))
((def_mb > 2048)) && def_mb=2048

mkdir -p /etc/slurm
cat >/etc/slurm/slurm.conf <<EOF
ClusterName=lesson
SlurmctldHost=controller
SlurmUser=root
AuthType=auth/munge
MailProg=/bin/true
MpiDefault=none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmdLogFile=/var/log/slurm/slurmd.log
ReturnToService=2

# Scheduling: whole cores and memory are handed out.
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none

# Limits, enforced as on a real cluster. A job past its --time is stopped
# at once (TIMEOUT). A job whose processes use more memory than --mem is
# killed (FAILED): Slurm measures every job's memory each second, because
# its control-group plugins (cgroup/v1, and cgroup/v2, which needs systemd
# and a delegated cgroup tree) cannot work inside these containers.
OverTimeLimit=0
KillWait=5
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill

# Accounting (sacct) in MariaDB. A job must belong to an account, and at
# most as many cores as the computer has are in use at once (start.sh).
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=controller
AccountingStorageEnforce=associations,limits,qos

NodeName=node[1-2] CPUs=$cpus RealMemory=$node_mb State=UNKNOWN
# LLN: a job goes to the least loaded node, so jobs spread over both.
PartitionName=DEFAULT MaxTime=INFINITE State=UP LLN=YES DefMemPerCPU=$def_mb
PartitionName=lesson Nodes=node[1-2] Default=YES
EOF

cat >/etc/slurm/slurmdbd.conf <<EOF
AuthType=auth/munge
DbdHost=controller
SlurmUser=root
LogFile=/var/log/slurm/slurmdbd.log
PidFile=/run/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=root
StorageLoc=slurm_acct_db
EOF
chmod 600 /etc/slurm/slurmdbd.conf
