// Tests for reading SR-IOV devices out of domain XML and VF pools out of network XML.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "reconcile/domain_xml.h"

using sriov::reconcile::GuestDevice;
using sriov::reconcile::ObservedNetwork;
using sriov::reconcile::parseGuestDevices;
using sriov::reconcile::parseNetworkXml;

namespace {

std::string domainWith(const std::string& devices) {
  return "<domain type='kvm'>\n  <name>web1</name>\n  <devices>\n"
         "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
         "    <disk type='file' device='disk'><source file='/var/lib/libvirt/images/web1.qcow2'/>"
         "<target dev='vda' bus='virtio'/></disk>\n" +
         devices + "  </devices>\n</domain>\n";
}

}  // namespace

TEST_CASE("parseGuestDevices reads hostdev interfaces") {
  SUBCASE("hex address, mac in upper case, vlan, alias, managed") {
    auto devices = parseGuestDevices(domainWith(R"(
    <interface type='hostdev' managed='yes'>
      <mac address='52:54:00:6D:90:02'/>
      <source>
        <address type='pci' domain='0x0000' bus='0x0b' slot='0x10' function='0x2'/>
      </source>
      <vlan><tag id='42'/></vlan>
      <alias name='ua-sriov-net0'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </interface>
)"));
    REQUIRE(devices.ok());
    REQUIRE(devices->size() == 1);
    const GuestDevice& d = devices->front();
    CHECK(d.kind == GuestDevice::Kind::hostdevInterface);
    CHECK(d.pci == "0000:0b:10.2");
    CHECK(d.mac == "52:54:00:6d:90:02");
    CHECK(d.vlan == 42u);
    CHECK_FALSE(d.virtualport);
    CHECK(d.alias == "ua-sriov-net0");
    CHECK(d.owned());
    CHECK(d.managed);
    CHECK(d.network.empty());
  }
  SUBCASE("decimal address, no mac, unmanaged, 802.1Qbh virtualport") {
    auto devices = parseGuestDevices(domainWith(R"(
    <interface type='hostdev'>
      <source><address type='pci' domain='0' bus='11' slot='16' function='2'/></source>
      <virtualport type='802.1Qbh'><parameters profileid='finance'/></virtualport>
    </interface>
)"));
    REQUIRE(devices.ok());
    REQUIRE(devices->size() == 1);
    const GuestDevice& d = devices->front();
    CHECK(d.pci == "0000:0b:10.2");
    CHECK(d.mac.empty());
    CHECK_FALSE(d.vlan);
    CHECK_FALSE(d.managed);
    CHECK_FALSE(d.owned());
    REQUIRE(d.virtualport);
    CHECK(d.virtualport->type == "802.1Qbh");
    CHECK(d.virtualport->profileid == "finance");
    CHECK_FALSE(d.virtualport->managerid);
  }
  SUBCASE("802.1Qbg virtualport with every parameter") {
    auto devices = parseGuestDevices(domainWith(R"(
    <interface type='hostdev' managed='yes'>
      <source><address type='pci' domain='0x0000' bus='0x04' slot='0x10' function='0x0'/></source>
      <virtualport type='802.1Qbg'>
        <parameters managerid='11' typeid='1193047' typeidversion='2'
                    instanceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f'/>
      </virtualport>
    </interface>
)"));
    REQUIRE(devices.ok());
    REQUIRE(devices->size() == 1);
    const auto& port = devices->front().virtualport;
    REQUIRE(port);
    CHECK(port->type == "802.1Qbg");
    CHECK(port->managerid == 11u);
    CHECK(port->typeid_ == 1193047u);
    CHECK(port->typeidversion == 2u);
    CHECK(port->instanceid == "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f");
    CHECK_FALSE(port->profileid);
  }
}

TEST_CASE("parseGuestDevices reads network interfaces and PCI hostdevs in document order") {
  auto devices = parseGuestDevices(domainWith(R"(
    <interface type='bridge'>
      <mac address='52:54:00:00:00:01'/><source bridge='br0'/><model type='virtio'/>
    </interface>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source><address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/></source>
      <alias name='hostdev0'/>
    </hostdev>
    <interface type='network'>
      <mac address='52:54:00:6d:90:03'/>
      <source network='passthrough'/>
      <vlan trunk='yes'><tag id='7'/><tag id='8'/></vlan>
      <alias name='ua-sriov-net1'/>
    </interface>
    <hostdev mode='subsystem' type='usb' managed='yes'>
      <source><vendor id='0x1234'/><product id='0xbeef'/></source>
    </hostdev>
    <hostdev mode='capabilities' type='net'><source><interface>eth0</interface></source></hostdev>
)"));
  REQUIRE(devices.ok());
  REQUIRE(devices->size() == 2);
  const GuestDevice& hostdev = (*devices)[0];
  CHECK(hostdev.kind == GuestDevice::Kind::hostdev);
  CHECK(hostdev.pci == "0000:03:00.0");
  CHECK(hostdev.alias == "hostdev0");
  CHECK(hostdev.managed);
  CHECK(hostdev.mac.empty());
  const GuestDevice& net = (*devices)[1];
  CHECK(net.kind == GuestDevice::Kind::networkInterface);
  CHECK(net.network == "passthrough");
  CHECK(net.pci.empty());
  CHECK(net.mac == "52:54:00:6d:90:03");
  CHECK(net.vlan == 7u);
  CHECK(net.alias == "ua-sriov-net1");
}

TEST_CASE("restoreNetworkInterfaces: a running guest's pool interfaces as libvirt shows them") {
  // The live XML of g1 in tests/e2e (10-guest-restart), libvirt 9.0: the pool's interface is
  // shown as the hostdev interface it got; the inactive XML has type='network'.
  auto live = parseGuestDevices(domainWith(R"(
    <interface type='hostdev' managed='yes'>
      <mac address='52:54:00:6d:90:20'/>
      <driver name='vfio'/>
      <source>
        <address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x0'/>
      </source>
      <vlan>
        <tag id='42'/>
      </vlan>
      <alias name='ua-sriov-net0'/>
    </interface>
    <interface type='hostdev' managed='yes'>
      <mac address='52:54:00:6d:90:21'/>
      <driver name='vfio'/>
      <source>
        <address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x2'/>
      </source>
      <vlan>
        <tag id='7'/>
      </vlan>
      <alias name='ua-sriov-net1'/>
    </interface>
    <interface type='hostdev' managed='yes'>
      <mac address='52:54:00:6d:90:22'/>
      <source>
        <address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x4'/>
      </source>
      <alias name='hostdev2'/>
    </interface>
    <interface type='hostdev' managed='yes'>
      <mac address='52:54:00:6d:90:23'/>
      <source>
        <address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x6'/>
      </source>
      <alias name='hostdev3'/>
    </interface>
)"));
  auto config = parseGuestDevices(domainWith(R"(
    <interface type='hostdev' managed='yes'>
      <mac address='52:54:00:6d:90:20'/>
      <source>
        <address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x0'/>
      </source>
      <vlan><tag id='42'/></vlan>
      <alias name='ua-sriov-net0'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:6d:90:21'/>
      <source network='vfpool'/>
      <alias name='ua-sriov-net1'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:6d:90:22'/>
      <source network='other'/>
    </interface>
)"));
  REQUIRE(live);
  REQUIRE(config);
  std::vector<GuestDevice> devices = *live;
  auto restored = sriov::reconcile::restoreNetworkInterfaces(devices, *config);
  REQUIRE(restored.size() == 2);
  CHECK(restored[0] == std::pair<size_t, std::string>{1, "0000:01:10.2"});
  CHECK(restored[1] == std::pair<size_t, std::string>{2, "0000:01:10.4"});
  SUBCASE("a real hostdev interface stays one") {
    CHECK(devices[0] == (*live)[0]);
  }
  SUBCASE("matched by user alias: the config twin (the vlan the network added live is not its)") {
    CHECK(devices[1] == (*config)[1]);
    CHECK(devices[1].kind == GuestDevice::Kind::networkInterface);
    CHECK(devices[1].network == "vfpool");
    CHECK(!devices[1].vlan);
  }
  SUBCASE("matched by MAC without a user alias, keeping libvirt's live alias") {
    CHECK(devices[2].kind == GuestDevice::Kind::networkInterface);
    CHECK(devices[2].network == "other");
    CHECK(devices[2].alias == "hostdev2");
  }
  SUBCASE("no twin in the config (attached live only): stays a hostdev interface") {
    CHECK(devices[3] == (*live)[3]);
  }
}

TEST_CASE("parseGuestDevices on a domain without SR-IOV devices or without <devices>") {
  auto none = parseGuestDevices(domainWith(""));
  REQUIRE(none.ok());
  CHECK(none->empty());
  auto bare = parseGuestDevices("<domain type='kvm'><name>x</name></domain>");
  REQUIRE(bare.ok());
  CHECK(bare->empty());
}

TEST_CASE("parseGuestDevices errors") {
  SUBCASE("malformed XML") {
    auto r = parseGuestDevices("<domain><devices></domain>");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "cannot parse domain XML: Start-end tags mismatch at offset 19");
  }
  SUBCASE("empty document") {
    auto r = parseGuestDevices("");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "cannot parse domain XML: No document element found at offset 0");
  }
  SUBCASE("wrong root") {
    auto r = parseGuestDevices("<network><name>x</name></network>");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message ==
          "cannot parse domain XML: root element is <network>, expected <domain>");
  }
  SUBCASE("bad PCI address") {
    auto r = parseGuestDevices(domainWith(
        "<interface type='hostdev'><source><address type='pci' domain='0x0000' bus='0x100' "
        "slot='0x10' function='0x0'/></source></interface>"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message ==
          "cannot parse domain XML: <interface type='hostdev'> has a bad PCI address: "
          "domain='0x0000' bus='0x100' slot='0x10' function='0x0'");
  }
  SUBCASE("no source address") {
    auto r =
        parseGuestDevices(domainWith("<hostdev mode='subsystem' type='pci'><source/></hostdev>"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message ==
          "cannot parse domain XML: <hostdev type='pci'> has no <source><address>");
  }
  SUBCASE("bad MAC") {
    auto r = parseGuestDevices(domainWith(
        "<interface type='network'><mac address='52:54:00'/><source network='p'/></interface>"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message ==
          "cannot parse domain XML: <interface type='network'> has a bad MAC address "
          "'52:54:00'");
  }
  SUBCASE("bad vlan") {
    auto r = parseGuestDevices(domainWith(
        "<interface type='network'><source network='p'/><vlan><tag id='x'/></vlan></interface>"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message ==
          "cannot parse domain XML: <interface type='network'> has a bad vlan tag id 'x'");
  }
  SUBCASE("bad virtualport number") {
    auto r = parseGuestDevices(
        domainWith("<interface type='network'><source network='p'/><virtualport type='802.1Qbg'>"
                   "<parameters managerid='-1'/></virtualport></interface>"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message ==
          "cannot parse domain XML: <interface type='network'> has a bad virtualport "
          "managerid '-1'");
  }
}

TEST_CASE("parseNetworkXml") {
  SUBCASE("pf pool, owned through a prefixed metadata element") {
    const std::string xml = R"(<network>
  <name>passthrough</name>
  <uuid>6d3ac7e8-0c0f-4f2b-9a41-3bd8f1a5c001</uuid>
  <metadata>
    <sriov-apply:owner xmlns:sriov-apply="http://sriov-apply.org/xmlns/v1"/>
  </metadata>
  <forward mode='hostdev' managed='yes'>
    <pf dev='enp3s0f0'/>
  </forward>
  <vlan><tag id='42'/></vlan>
</network>
)";
    auto n = parseNetworkXml(xml);
    REQUIRE(n.ok());
    CHECK(n->name == "passthrough");
    CHECK(n->forwardMode == "hostdev");
    CHECK(n->managed);
    CHECK(n->pfDev == "enp3s0f0");
    CHECK(n->vfs.empty());
    CHECK(n->vlan == 42u);
    CHECK(n->owned);
    CHECK(n->xml == xml);
    CHECK_FALSE(n->active);
    CHECK_FALSE(n->autostart);
    CHECK(n->persistent);
  }
  SUBCASE("explicit VF list in hex and decimal, owned through a default namespace") {
    auto n = parseNetworkXml(R"(<network>
  <name>pool</name>
  <metadata><owner xmlns='http://sriov-apply.org/xmlns/v1'/></metadata>
  <forward mode='hostdev'>
    <address type='pci' domain='0x0000' bus='0x04' slot='0x10' function='0x0'/>
    <address type='pci' domain='0' bus='4' slot='16' function='2'/>
  </forward>
</network>)");
    REQUIRE(n.ok());
    CHECK_FALSE(n->managed);
    CHECK(n->pfDev.empty());
    CHECK(n->vfs == std::vector<std::string>{"0000:04:10.0", "0000:04:10.2"});
    CHECK_FALSE(n->vlan);
    CHECK(n->owned);
  }
  SUBCASE("not owned: metadata of another namespace, or none") {
    auto other = parseNetworkXml(R"(<network><name>a</name>
  <metadata><app:thing xmlns:app='http://example.org/app'/></metadata>
  <forward mode='hostdev' managed='yes'><pf dev='eth0'/></forward></network>)");
    REQUIRE(other.ok());
    CHECK_FALSE(other->owned);
    auto bare = parseNetworkXml(
        "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/></network>");
    REQUIRE(bare.ok());
    CHECK_FALSE(bare->owned);
    CHECK(bare->forwardMode == "nat");
  }
  SUBCASE("no forward element, or forward without mode") {
    auto isolated = parseNetworkXml("<network><name>iso</name></network>");
    REQUIRE(isolated.ok());
    CHECK(isolated->forwardMode.empty());
    auto nat = parseNetworkXml("<network><name>n</name><forward/></network>");
    REQUIRE(nat.ok());
    CHECK(nat->forwardMode == "nat");
  }
  SUBCASE("errors") {
    auto malformed = parseNetworkXml("<network><name>x</network>");
    REQUIRE_FALSE(malformed.ok());
    CHECK(malformed.error().message ==
          "cannot parse network XML: Start-end tags mismatch at offset 18");
    auto noName = parseNetworkXml("<network><forward mode='hostdev'/></network>");
    REQUIRE_FALSE(noName.ok());
    CHECK(noName.error().message == "cannot parse network XML: the network has no <name>");
    auto badAddress = parseNetworkXml(
        "<network><name>x</name><forward mode='hostdev'><address type='pci' bus='zz' slot='0' "
        "function='0'/></forward></network>");
    REQUIRE_FALSE(badAddress.ok());
    CHECK(badAddress.error().message ==
          "cannot parse network XML: <forward> has a bad PCI address: domain='' bus='zz' "
          "slot='0' function='0'");
    auto wrongRoot = parseNetworkXml("<domain/>");
    REQUIRE_FALSE(wrongRoot.ok());
    CHECK(wrongRoot.error().message ==
          "cannot parse network XML: root element is <domain>, expected <network>");
  }
}
