#!/usr/bin/env python3
"""Builds a fake sysfs root of PFS E810-like PFs (ice, 8086:159b, totalvfs 256) with VFS VFs
each, laid out as tests/integration/fake-sysfs.sh lays out its one PF (the kernel's symlinks),
for the libvirt benchmark (tests/bench/libvirt-bench.sh): sriov-apply and the shell baselines
read it with --sysfs-root.   usage: make-sysfs.py ROOT PFS VFS"""
import os
import shutil
import sys

root, pfs, vfs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
shutil.rmtree(root, ignore_errors=True)
bridge = "devices/pci0000:00/0000:00:02.0"
for d in (bridge, "class/net", "bus/pci/devices", "kernel/iommu_groups"):
    os.makedirs(os.path.join(root, d))
for driver in ("ice", "iavf", "vfio-pci"):
    os.makedirs(os.path.join(root, "bus/pci/drivers", driver))


def write(path, text):
    with open(path, "w") as f:
        f.write(text + "\n")


def device(pci, vendor, dev, driver):
    d = os.path.join(root, bridge, pci)
    os.makedirs(d)
    write(d + "/vendor", vendor)
    write(d + "/device", dev)
    if driver:
        os.symlink("../../../../bus/pci/drivers/" + driver, d + "/driver")
    os.symlink("../../../" + bridge + "/" + pci, os.path.join(root, "bus/pci/devices", pci))
    return d


def netdev(pci, name, flags, mac):
    d = os.path.join(root, bridge, pci, "net", name)
    os.makedirs(d)
    write(d + "/flags", flags)
    write(d + "/address", mac)
    os.symlink("../../../" + pci, d + "/device")
    os.symlink("../../" + bridge + "/" + pci + "/net/" + name, os.path.join(root, "class/net", name))


def pci(bus, routing):
    bus += routing >> 8
    return "0000:%02x:%02x.%d" % (bus, (routing >> 3) & 0x1F, routing & 7)


for p in range(pfs):
    bus = 0x20 + 2 * p
    pf = pci(bus, 0)
    name = "ens%df0" % (1 + p)
    d = device(pf, "0x8086", "0x159b", "ice")
    netdev(pf, name, "0x1003", "b4:96:91:00:%02x:00" % p)
    for f, v in (("sriov_totalvfs", 256), ("sriov_numvfs", vfs), ("sriov_offset", 8),
                 ("sriov_stride", 1)):
        write(d + "/" + f, str(v))
    group = os.path.join(root, "kernel/iommu_groups", str(p))
    os.makedirs(group + "/devices")
    os.symlink("../../../../kernel/iommu_groups/%d" % p, d + "/iommu_group")
    for i in range(vfs):
        vf = pci(bus, 8 + i)
        vd = device(vf, "0x8086", "0x1889", "vfio-pci")
        os.symlink("../" + pf, vd + "/physfn")
        os.symlink("../" + vf, d + "/virtfn%d" % i)
