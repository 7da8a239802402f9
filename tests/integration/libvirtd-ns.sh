#!/bin/bash
# Runs inside libvirtd-start.sh's private mount namespace: puts STATE_DIR's folders over
# libvirt's, shows the daemon a fake SR-IOV PF, then becomes libvirtd.
#   usage: libvirtd-ns.sh STATE_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
state=$1
mount --bind "$state/etc" /etc/libvirt
mount --bind "$state/run" /run/libvirt
mount --bind "$state/lib" /var/lib/libvirt
mount --bind "$state/cache" /var/cache/libvirt
mount --bind "$state/log" /var/log/libvirt
"$here/fake-sysfs.sh" "$state/fakesys"

# The daemon's /sys/class/net and /sys/bus/pci/devices: the host's entries plus the fake ones.
mounts=$state/mounts
mkdir -p "$mounts/class-net" "$mounts/pci-devices"
for d in /sys/class/net/*; do ln -s "$(readlink -f "$d")" "$mounts/class-net/${d##*/}"; done
for d in /sys/bus/pci/devices/*; do ln -s "$(readlink -f "$d")" "$mounts/pci-devices/${d##*/}"; done
for d in "$state"/fakesys/class/net/*; do ln -sfn "$(readlink -f "$d")" "$mounts/class-net/${d##*/}"; done
for d in "$state"/fakesys/bus/pci/devices/*; do
  ln -sfn "$(readlink -f "$d")" "$mounts/pci-devices/${d##*/}"
done
mount --bind "$mounts/class-net" /sys/class/net
mount --bind "$mounts/pci-devices" /sys/bus/pci/devices

exec /usr/sbin/libvirtd -p "$state/libvirtd.pid" -f /etc/libvirt/libvirtd.conf
