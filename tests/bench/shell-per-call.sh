#!/bin/bash
# Baseline: the facts a no-op plan reads (as shell-one-session.sh), with one virsh process per
# call, as most scripts do.   usage: shell-per-call.sh SYSFS_ROOT URI
set -euo pipefail
sys=$1 uri=$2
for pf in "$sys"/class/net/*; do
  dev=$pf/device
  cat "$dev"/sriov_totalvfs "$dev"/sriov_numvfs "$dev"/sriov_offset "$dev"/sriov_stride \
    "$dev"/vendor "$dev"/device >/dev/null
  readlink "$dev"/virtfn* "$dev"/virtfn*/driver >/dev/null || true
done
ip -d link show >/dev/null
for d in $(virsh -q -c "$uri" list --all --name); do virsh -q -c "$uri" dumpxml --inactive "$d"; done >/dev/null
for n in $(virsh -q -c "$uri" net-list --all --name); do virsh -q -c "$uri" net-dumpxml --inactive "$n"; done >/dev/null
