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

TEST_CASE("append, remove and replace devices, written libvirt style") {
  auto appended = appendDevice(kDomain,
                               "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
                               "<address domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>"
                               "</source></hostdev>");
  REQUIRE(appended.ok());
  CHECK(*appended == R"(<domain type='kvm'>
  <name>g</name>
  <devices>
    <disk type='file' device='disk' />
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0' bus='4' slot='16' function='0' />
      </source>
    </hostdev>
    <interface type='network'>
      <mac address='52:54:00:00:00:01' />
      <source network='p' />
    </interface>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x05' slot='0x00' function='0x0' />
      </source>
    </hostdev>
  </devices>
</domain>
)");
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
