// Tests for editing the SR-IOV devices of domain XML.
#include <doctest/doctest.h>

#include <string>

#include "reconcile/domain_xml.h"
#include "reconcile/domain_xml_edit.h"

using sriov::reconcile::appendDevice;
using sriov::reconcile::findDevice;
using sriov::reconcile::GuestDevice;
using sriov::reconcile::parseDeviceXml;
using sriov::reconcile::parseGuestDevices;
using sriov::reconcile::removeDevice;
using sriov::reconcile::replaceDevice;

namespace {

const std::string kDomain = R"(<domain type="kvm">
  <name>g</name>
  <devices>
    <disk type="file" device="disk"/>
    <hostdev mode="subsystem" type="pci" managed="yes">
      <source><address domain="0" bus="4" slot="16" function="0"/></source>
    </hostdev>
    <interface type="network"><mac address="52:54:00:00:00:01"/><source network="p"/></interface>
  </devices>
</domain>
)";

}  // namespace

TEST_CASE("parseDeviceXml reads exactly one SR-IOV device") {
  auto device = parseDeviceXml(
      "<interface type='network'><mac address='52:54:00:00:00:0A'/><source network='p'/>"
      "<alias name='ua-sriov-x'/></interface>");
  REQUIRE(device.ok());
  CHECK(device->kind == GuestDevice::Kind::networkInterface);
  CHECK(device->mac == "52:54:00:00:00:0a");
  CHECK(device->alias == "ua-sriov-x");

  const std::string unsupported =
      "unsupported device XML: expected one <interface type='hostdev'>, <interface "
      "type='network'> or <hostdev mode='subsystem' type='pci'> element";
  CHECK(parseDeviceXml("<interface type='bridge'/>").error().message == unsupported);
  CHECK(parseDeviceXml("<hostdev mode='subsystem' type='pci'><source><address bus='1' slot='0' "
                       "function='0'/></source></hostdev><hostdev/>")
            .error()
            .message == unsupported);
  CHECK(parseDeviceXml("<interface").error().message ==
        "cannot parse device XML: Error parsing start element tag at offset 9");
  CHECK(
      parseDeviceXml("<hostdev mode='subsystem' type='pci'><source/></hostdev>").error().message ==
      "cannot parse domain XML: <hostdev type='pci'> has no <source><address>");
}

TEST_CASE("findDevice: by alias, else by kind and PCI address or MAC") {
  std::vector<GuestDevice> devices(3);
  devices[0].kind = GuestDevice::Kind::hostdev;
  devices[0].pci = "0000:04:10.0";
  devices[1].kind = GuestDevice::Kind::hostdevInterface;
  devices[1].pci = "0000:04:10.0";
  devices[1].alias = "ua-sriov-net0";
  devices[2].kind = GuestDevice::Kind::networkInterface;
  devices[2].mac = "52:54:00:00:00:01";

  GuestDevice wanted;
  wanted.kind = GuestDevice::Kind::hostdevInterface;
  wanted.pci = "0000:04:10.0";
  CHECK(findDevice(devices, wanted) == 1u);
  wanted.kind = GuestDevice::Kind::hostdev;
  CHECK(findDevice(devices, wanted) == 0u);
  wanted.alias = "ua-sriov-net0";
  CHECK(findDevice(devices, wanted) == 1u);
  wanted.alias = "ua-sriov-other";
  CHECK_FALSE(findDevice(devices, wanted));
  GuestDevice net;
  net.kind = GuestDevice::Kind::networkInterface;
  net.mac = "52:54:00:00:00:01";
  CHECK(findDevice(devices, net) == 2u);
  net.mac.clear();
  CHECK_FALSE(findDevice(devices, net));
}

TEST_CASE("append, remove and replace devices; the rest of the XML is kept as it was") {
  auto appended = appendDevice(kDomain,
                               "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
                               "<address domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>"
                               "</source></hostdev>");
  REQUIRE(appended.ok());
  // The new device indented libvirt style for its place; the rest as it was (quotes as libvirt
  // writes them, single).
  CHECK(*appended == R"(<domain type='kvm'>
  <name>g</name>
  <devices>
    <disk type='file' device='disk'/>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source><address domain='0' bus='4' slot='16' function='0'/></source>
    </hostdev>
    <interface type='network'><mac address='52:54:00:00:00:01'/><source network='p'/></interface>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>
      </source>
    </hostdev>
  </devices>
</domain>
)");
  // Removing what was appended gives the document back, byte for byte.
  auto back = removeDevice(*appended, 2);
  REQUIRE(back.ok());
  auto original = removeDevice(*appendDevice(*back,
                                             "<hostdev mode='subsystem' type='pci'>"
                                             "<source><address bus='6' slot='0' "
                                             "function='0'/></source></hostdev>"),
                               2);
  REQUIRE(original.ok());
  CHECK(*original == *back);
  CHECK(back->find("bus='0x05'") == std::string::npos);
  CHECK(back->find("<interface type='network'><mac address='52:54:00:00:00:01'/>") !=
        std::string::npos);
  auto devices = parseGuestDevices(*appended);
  REQUIRE(devices.ok());
  REQUIRE(devices->size() == 3);
  CHECK(devices->back().pci == "0000:05:00.0");

  auto removed = removeDevice(kDomain, 0);  // the hostdev, not the disk
  REQUIRE(removed.ok());
  auto left = parseGuestDevices(*removed);
  REQUIRE(left->size() == 1);
  CHECK(left->front().kind == GuestDevice::Kind::networkInterface);
  CHECK(removed->find("<disk") != std::string::npos);

  auto replaced =
      replaceDevice(kDomain, 1,
                    "<interface type='network'><mac address='52:54:00:00:00:01'/><source "
                    "network='q'/></interface>");
  REQUIRE(replaced.ok());
  auto now = parseGuestDevices(*replaced);
  REQUIRE(now->size() == 2);
  CHECK(now->at(1).network == "q");
  CHECK(now->at(0).kind == GuestDevice::Kind::hostdev);

  CHECK(removeDevice(kDomain, 2).error().message == "domain XML has no SR-IOV device number 2");
  CHECK(appendDevice("<domain>", "<hostdev/>").error().message ==
        "cannot parse domain XML: Start-end tags mismatch at offset 7");
}

// Issue 11, defect 2: each edit re-indented the whole document, so deep XML grew by depth x
// size (78 KB became 200 MB after one apply). The output is now linear in the input, and XML
// over the size or depth limit is refused.
TEST_CASE("editing deep or large domain XML: output linear in the input, limits refused") {
  const std::string hostdev =
      "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0' bus='5' "
      "slot='0' function='0'/></source></hostdev>";
  // 250 levels of <metadata> nesting (under the limit of 256), 40 such chains: about 80 KB.
  std::string deep;
  for (int chain = 0; chain < 40; ++chain) {
    for (int i = 0; i < 249; ++i) deep += "<m>";
    deep += "<m/>";  // as pugixml writes an empty element, so the input is written back as it is
    for (int i = 0; i < 249; ++i) deep += "</m>";
  }
  const std::string domain = "<domain type='kvm'>\n  <name>g</name>\n  <metadata>" + deep +
                             "</metadata>\n  <devices>\n  </devices>\n</domain>\n";
  auto once = appendDevice(domain, hostdev);
  REQUIRE_MESSAGE(once.ok(), once.error().message);
  CHECK(once->size() < domain.size() + 2 * hostdev.size());
  std::string xml = *once;
  for (int i = 0; i < 20; ++i) {
    auto replaced = replaceDevice(xml, 0, hostdev);
    REQUIRE(replaced.ok());
    xml = *replaced;
  }
  CHECK(xml.size() == once->size());
  auto removed = removeDevice(xml, 0);
  REQUIRE(removed.ok());
  CHECK((*removed == domain));  // (not printed: 80 KB)

  // Over the limits: a clear error, nothing parsed further.
  std::string deeper = "<domain><metadata>";
  for (int i = 0; i < 300; ++i) deeper += "<m>";
  for (int i = 0; i < 300; ++i) deeper += "</m>";
  deeper += "</metadata><devices/></domain>";
  CHECK(appendDevice(deeper, hostdev).error().message ==
        "cannot parse domain XML: elements nest more than 256 levels deep (the limit)");
  CHECK(parseGuestDevices(deeper).error().message ==
        "cannot parse domain XML: elements nest more than 256 levels deep (the limit)");
  std::string large = "<domain><metadata>" + std::string(5 << 20, 'x') + "</metadata></domain>";
  CHECK(parseGuestDevices(large).error().message ==
        "cannot parse domain XML: it is " + std::to_string(large.size()) +
            " bytes, over the limit of 4194304 bytes (4 MiB)");
  CHECK(sriov::reconcile::parseNetworkXml("<network>" + deeper + "</network>").error().message ==
        "cannot parse network XML: elements nest more than 256 levels deep (the limit)");
}
