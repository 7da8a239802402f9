#!/bin/bash
# Builds a fake sysfs root with one SR-IOV PF, laid out with the kernel's symlinks:
#   eth3 at 0000:03:00.0 (igb, 8086:10c9, link up, IOMMU group 12), totalvfs 7, numvfs 3, offset 128, stride 2;
#   VF 0 0000:03:10.0 on igbvf with netdev eth4, VF 1 0000:03:10.2 on vfio-pci, VF 2 0000:03:10.4
#   unbound.
# The integration tests read it with SysfsReader; libvirtd sees it through bind mounts.
#   usage: fake-sysfs.sh ROOT
set -euo pipefail
root=$1
rm -rf "$root"
bridge=devices/pci0000:00/0000:00:02.0
mkdir -p "$root/$bridge" "$root/class/net" "$root/bus/pci/devices" "$root/kernel/iommu_groups"
for driver in igb igbvf vfio-pci; do mkdir -p "$root/bus/pci/drivers/$driver"; done

device() {  # PCI VENDOR DEVICE DRIVER
  local dir=$root/$bridge/$1
  mkdir -p "$dir"
  echo "$2" >"$dir/vendor"
  echo "$3" >"$dir/device"
  [ -z "$4" ] || ln -s "../../../../bus/pci/drivers/$4" "$dir/driver"
  ln -s "../../../$bridge/$1" "$root/bus/pci/devices/$1"
}
netdev() {  # PCI NAME FLAGS MAC
  local dir=$root/$bridge/$1/net/$2
  mkdir -p "$dir"
  echo "$3" >"$dir/flags"
  echo "$4" >"$dir/address"
  ln -s "../../../$1" "$dir/device"
  ln -s "../../$bridge/$1/net/$2" "$root/class/net/$2"
}

pf=0000:03:00.0
device $pf 0x8086 0x10c9 igb
netdev $pf eth3 0x1003 00:1b:21:aa:bb:cc
printf '7\n' >"$root/$bridge/$pf/sriov_totalvfs"
printf '3\n' >"$root/$bridge/$pf/sriov_numvfs"
printf '128\n' >"$root/$bridge/$pf/sriov_offset"
printf '2\n' >"$root/$bridge/$pf/sriov_stride"
mkdir -p "$root/kernel/iommu_groups/12/devices"
ln -s ../../../../kernel/iommu_groups/12 "$root/$bridge/$pf/iommu_group"
n=0
for vf in 0000:03:10.0:igbvf 0000:03:10.2:vfio-pci 0000:03:10.4:; do
  pci=${vf%:*}
  device "$pci" 0x8086 0x10ca "${vf##*:}"
  ln -s "../$pf" "$root/$bridge/$pci/physfn"
  ln -s "../$pci" "$root/$bridge/$pf/virtfn$n"
  n=$((n + 1))
done
netdev 0000:03:10.0 eth4 0x1002 02:00:00:00:10:00
