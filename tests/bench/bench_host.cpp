// Generates issue 14's host (E810-like PFs, running guests with realistic XML) and its spec.
#include "tests/bench/bench_host.h"

#include <cstdio>

#include "schema/pci_address.h"

namespace sriov::bench {
namespace {

// A libvirt 9 domain of a cloud guest as `virsh dumpxml` shows it, about 1.5 KB before its
// SR-IOV devices.
std::string domainXml(const std::string& name, unsigned g) {
  char uuid[40];
  std::snprintf(uuid, sizeof uuid, "6f1c0000-0000-4000-8000-%012u", g);
  return "<domain type='kvm'>\n  <name>" + name + "</name>\n  <uuid>" + uuid +
         "</uuid>\n"
         "  <memory unit='KiB'>8388608</memory>\n  <currentMemory "
         "unit='KiB'>8388608</currentMemory>\n"
         "  <vcpu placement='static'>4</vcpu>\n  <os>\n"
         "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n    <boot dev='hd'/>\n  </os>\n"
         "  <features>\n    <acpi/>\n    <apic/>\n  </features>\n"
         "  <cpu mode='host-passthrough' check='none' migratable='on'/>\n"
         "  <clock offset='utc'>\n    <timer name='rtc' tickpolicy='catchup'/>\n"
         "    <timer name='pit' tickpolicy='delay'/>\n    <timer name='hpet' present='no'/>\n"
         "  </clock>\n  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n"
         "  <on_crash>destroy</on_crash>\n  <devices>\n"
         "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
         "    <disk type='file' device='disk'>\n"
         "      <driver name='qemu' type='qcow2' discard='unmap'/>\n"
         "      <source file='/var/lib/libvirt/images/" +
         name +
         ".qcow2'/>\n      <target dev='vda' bus='virtio'/>\n"
         "      <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>\n"
         "    </disk>\n"
         "    <controller type='pci' index='0' model='pcie-root'/>\n"
         "    <controller type='usb' index='0' model='qemu-xhci' ports='15'/>\n"
         "    <interface type='bridge'>\n      <mac address='52:54:00:a0:" +
         std::to_string(10 + g / 100 % 90) + ":" + std::to_string(10 + g % 90) +
         "'/>\n      <source bridge='br-mgmt'/>\n      <model type='virtio'/>\n"
         "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
         "    </interface>\n"
         "    <serial type='pty'>\n      <target type='isa-serial' port='0'>\n"
         "        <model name='isa-serial'/>\n      </target>\n    </serial>\n"
         "    <console type='pty'>\n      <target type='serial' port='0'/>\n    </console>\n"
         "    <channel type='unix'>\n      <target type='virtio' name='org.qemu.guest_agent.0'/>\n"
         "    </channel>\n    <input type='tablet' bus='usb'/>\n"
         "    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>\n"
         "    <video>\n      <model type='virtio' heads='1' primary='yes'/>\n    </video>\n"
         "    <memballoon model='virtio'/>\n    <rng model='virtio'>\n"
         "      <backend model='random'>/dev/urandom</backend>\n    </rng>\n"
         "  </devices>\n</domain>\n";
}

}  // namespace

std::string pfName(unsigned pf) {
  return "ens" + std::to_string(1 + pf) + "f0";
}

reconcile::ObservedState emptyHost(const HostSize& size) {
  reconcile::ObservedState s;
  s.hostname = "bench";
  s.iommuEnabled = true;
  s.pciDrivers = {"iavf", "ice", "vfio-pci"};
  for (unsigned i = 0; i < size.pfs; ++i) {
    reconcile::ObservedPf pf;
    pf.name = pfName(i);
    pf.pci = schema::PciAddress{0, 0x20 + 2 * i, 0, 0}.str();  // its VFs fill the next bus
    pf.driver = "ice";
    pf.vendorId = "0x8086";
    pf.deviceId = "0x159b";
    pf.totalVfs = 256;
    pf.vfOffset = 8;
    if (size.vfsPerPf > 256) {  // the kernel's most: 65,535 routing IDs after the PF's
      pf.pci = schema::PciAddress{0, 0, 0, 0}.str();
      pf.totalVfs = size.vfsPerPf;
      pf.vfOffset = 1;
    }
    pf.vfStride = 1;
    pf.linkUp = true;
    pf.iommuGroup = static_cast<int>(i);
    s.pfs.push_back(pf);
  }
  for (unsigned g = 0; g < size.guests; ++g) {
    reconcile::ObservedDomain d;
    char name[16];
    std::snprintf(name, sizeof name, "vm%04u", g);
    d.name = name;
    d.state = reconcile::DomainState::running;
    d.autostart = true;
    d.inactiveXml = domainXml(d.name, g);
    d.xml = d.inactiveXml;
    s.domains.push_back(d);
  }
  return s;
}

std::string specYaml(const HostSize& size) {
  std::string y = "apiVersion: sriov-apply/v1\npfs:\n";
  for (unsigned i = 0; i < size.pfs; ++i)
    y += "  - name: " + pfName(i) + "\n    numVfs: " + std::to_string(size.vfsPerPf) +
         "\n    persist: false\n";
  y += "guests:\n";
  for (unsigned g = 0; g < size.guests; ++g) {
    char name[16];
    std::snprintf(name, sizeof name, "vm%04u", g);
    y += std::string("  - name: ") + name + "\n    onDisruption: hotplug\n    interfaces:\n";
    for (unsigned k = 0; k < 2; ++k) {
      unsigned vf = 2 * g + k;
      char mac[24];
      std::snprintf(mac, sizeof mac, "52:54:00:%02x:%02x:%02x", k, (g >> 8) & 0xff, g & 0xff);
      y += "      - vf: {pf: " + pfName(vf / size.vfsPerPf) +
           ", index: " + std::to_string(vf % size.vfsPerPf) + "}\n        mac: \"" + mac +
           "\"\n        vlan: " + std::to_string(100 + g % 100) + "\n";
    }
  }
  return y;
}

}  // namespace sriov::bench
