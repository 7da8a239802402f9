#!/bin/bash
# Baseline: the facts a no-op plan reads, as an admin's shell reads them with one virsh session:
# each PF's SR-IOV files in sysfs, `ip link show`, the domain and network lists, every domain's
# XML and every network's XML.   usage: shell-one-session.sh SYSFS_ROOT URI
set -euo pipefail
sys=$1 uri=$2
for pf in "$sys"/class/net/*; do
  dev=$pf/device
  cat "$dev"/sriov_totalvfs "$dev"/sriov_numvfs "$dev"/sriov_offset "$dev"/sriov_stride \
    "$dev"/vendor "$dev"/device >/dev/null
  readlink "$dev"/virtfn* "$dev"/virtfn*/driver >/dev/null || true
done
ip -d link show >/dev/null
{
  echo "list --all --name"
  echo "net-list --all --name"
  virsh -q -c "$uri" list --all --name | sed '/^$/d; s/^/dumpxml --inactive /'
  virsh -q -c "$uri" net-list --all --name | sed '/^$/d; s/^/net-dumpxml --inactive /'
} | virsh -q -c "$uri" >/dev/null
