// Builds the lab-01 fixture host used by many tests and printed into examples/lab.state.yaml.
#include "tests/unit/lab_state.h"

#include "reconcile/domain_xml.h"
#include "schema/pci_address.h"

namespace sriov::testing {
namespace {

using reconcile::DomainState;
using reconcile::ObservedDomain;
using reconcile::ObservedNetwork;
using reconcile::ObservedPf;
using reconcile::ObservedState;
using reconcile::ObservedVf;

ObservedPf pf(const std::string& name, const std::string& pci, const std::string& driver,
              const std::string& deviceId, unsigned totalVfs, int iommuGroup) {
  ObservedPf p;
  p.name = name;
  p.pci = pci;
  p.driver = driver;
  p.vendorId = "0x8086";
  p.deviceId = deviceId;
  p.totalVfs = totalVfs;
  p.vfOffset = 128;
  p.vfStride = 2;
  p.linkUp = !name.empty();
  p.iommuGroup = iommuGroup;
  return p;
}

// VFs the way the kernel creates them: at PF + offset + stride * index, named <pf>v<index>.
void addVfs(ObservedPf& p, unsigned count, const std::string& vfDriver) {
  schema::PciAddress base = *schema::PciAddress::parse(p.pci);
  for (unsigned i = 0; i < count; ++i) {
    ObservedVf vf;
    vf.index = i;
    vf.pci = base.plusRoutingId(p.vfOffset + p.vfStride * i).str();
    vf.netdev = p.name + "v" + std::to_string(i);
    vf.driver = vfDriver;
    vf.settings.spoofCheck = true;  // igb and ixgbe turn spoof checking on for new VFs
    vf.settings.trust = false;
    p.vfs.push_back(vf);
  }
  p.numVfs = count;
}

const char* kPassthroughXml = R"(<network>
  <name>passthrough</name>
  <uuid>3f1e6d52-8c0b-4a57-9e0d-6b2a7c4f9d11</uuid>
  <metadata>
    <sriov-apply:owner xmlns:sriov-apply="http://sriov-apply.org/xmlns/v1"/>
  </metadata>
  <forward mode='hostdev' managed='yes'>
    <pf dev='enp3s0f0'/>
  </forward>
</network>
)";

const char* kWeb1Interface = R"(    <interface type='hostdev' managed='yes'>
      <mac address='52:54:00:a1:00:01'/>
      <driver name='vfio'/>
      <source>
        <address type='pci' domain='0x0000' bus='0x04' slot='0x10' function='0x0'/>
      </source>
      <vlan>
        <tag id='100'/>
      </vlan>
      <alias name='ua-sriov-net0'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </interface>
)";

const char* kDb1Interface = R"(    <interface type='network'>
      <mac address='52:54:00:b2:00:01'/>
      <source network='passthrough'/>
      <alias name='ua-sriov-net0'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </interface>
)";

const char* kBuild1Interface = R"(    <interface type='bridge'>
      <mac address='52:54:00:c3:00:01'/>
      <source bridge='br0'/>
      <model type='virtio'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </interface>
)";

ObservedDomain domain(const std::string& name, DomainState state, const std::string& inactive,
                      const std::string& live) {
  ObservedDomain d;
  d.name = name;
  d.state = state;
  d.autostart = state == DomainState::running;
  d.inactiveXml = inactive;
  d.xml = live;
  d.configDevices = reconcile::parseGuestDevices(inactive).value();
  if (state != DomainState::shutoff) d.liveDevices = reconcile::parseGuestDevices(live).value();
  return d;
}

}  // namespace

std::string domainXml(const std::string& name, const std::string& uuid, const std::string& devices,
                      DomainXmlKind kind) {
  const bool live = kind == DomainXmlKind::live;
  std::string xml = live ? "<domain type='kvm' id='1'>\n" : "<domain type='kvm'>\n";
  xml += "  <name>" + name + "</name>\n";
  xml += "  <uuid>" + uuid + "</uuid>\n";
  xml +=
      "  <memory unit='KiB'>4194304</memory>\n"
      "  <currentMemory unit='KiB'>4194304</currentMemory>\n"
      "  <vcpu placement='static'>2</vcpu>\n"
      "  <os>\n"
      "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n"
      "    <boot dev='hd'/>\n"
      "  </os>\n"
      "  <features>\n"
      "    <acpi/>\n"
      "    <apic/>\n"
      "  </features>\n"
      "  <cpu mode='host-passthrough' check='none' migratable='on'/>\n"
      "  <clock offset='utc'/>\n"
      "  <on_poweroff>destroy</on_poweroff>\n"
      "  <on_reboot>restart</on_reboot>\n"
      "  <on_crash>destroy</on_crash>\n"
      "  <devices>\n"
      "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
      "    <disk type='file' device='disk'>\n"
      "      <driver name='qemu' type='qcow2'/>\n";
  xml += "      <source file='/var/lib/libvirt/images/" + name + ".qcow2'" +
         (live ? " index='1'" : "") + "/>\n";
  if (live) xml += "      <backingStore/>\n";
  xml += "      <target dev='vda' bus='virtio'/>\n";
  if (live) xml += "      <alias name='virtio-disk0'/>\n";
  xml +=
      "      <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>\n"
      "    </disk>\n";
  xml += devices;
  xml +=
      "  </devices>\n"
      "</domain>\n";
  return xml;
}

ObservedState labState() {
  ObservedState s;
  s.hostname = "lab-01";
  s.iommuEnabled = true;
  s.pciDrivers = {"ahci", "igb", "igbvf", "ixgbe", "ixgbevf", "nvme", "pcieport", "vfio-pci"};

  // Intel 82576, two ports: the second function's VFs start at 03:10.1 (offset 128 from 03:00.1).
  ObservedPf port0 = pf("enp3s0f0", "0000:03:00.0", "igb", "0x10c9", 7, 14);
  addVfs(port0, 2, "igbvf");
  ObservedPf port1 = pf("enp3s0f1", "0000:03:00.1", "igb", "0x10c9", 7, 15);
  port1.linkUp = false;

  // Intel 82599: VF 0 is web1's (vfio-pci, MAC and VLAN set by libvirt through the PF),
  // VF 1 has settings made by hand.
  ObservedPf x520 = pf("enp4s0f0", "0000:04:00.0", "ixgbe", "0x10fb", 63, 16);
  addVfs(x520, 4, "ixgbevf");
  x520.vfs[0].netdev.clear();
  x520.vfs[0].driver = "vfio-pci";
  x520.vfs[0].settings.mac = "52:54:00:a1:00:01";
  x520.vfs[0].settings.vlan = 100;
  x520.vfs[1].settings.mac = "02:00:00:00:10:01";
  x520.vfs[1].settings.vlan = 100;
  x520.vfs[1].settings.trust = true;
  x520.vfs[1].settings.maxTxRate = 1000;

  // Samsung PM1733 NVMe: SR-IOV capable, no netdev, no VFs yet.
  ObservedPf nvme = pf("", "0000:05:00.0", "nvme", "0xa824", 32, 17);
  nvme.vendorId = "0x144d";
  nvme.vfOffset = 1;
  nvme.vfStride = 1;
  s.pfs = {port0, port1, x520, nvme};

  ObservedNetwork passthrough = reconcile::parseNetworkXml(kPassthroughXml).value();
  passthrough.active = true;
  passthrough.autostart = true;
  s.networks = {passthrough};

  const std::string web1Uuid = "7a3b1c9e-5d2f-4e8a-9b61-0c4d2e8f1a01";
  s.domains = {
      domain("build1", DomainState::shutoff,
             domainXml("build1", "c5e2d7f0-1b3a-4c6d-8e9f-2a4b6c8d0e03", kBuild1Interface),
             domainXml("build1", "c5e2d7f0-1b3a-4c6d-8e9f-2a4b6c8d0e03", kBuild1Interface)),
      domain("db1", DomainState::shutoff,
             domainXml("db1", "9b4c2d0f-6e3a-4f9b-8c72-1d5e3f9a2b02", kDb1Interface),
             domainXml("db1", "9b4c2d0f-6e3a-4f9b-8c72-1d5e3f9a2b02", kDb1Interface)),
      domain("web1", DomainState::running, domainXml("web1", web1Uuid, kWeb1Interface),
             domainXml("web1", web1Uuid, kWeb1Interface, DomainXmlKind::live)),
  };
  return s;
}

}  // namespace sriov::testing
