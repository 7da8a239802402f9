// LibvirtReader against a real libvirtd: every field of the networks and domains that
// libvirt_world.cpp set up, and the error when there is no daemon.
#include <doctest/doctest.h>
#include <libvirt/virterror.h>

#include <optional>
#include <string>
#include <vector>

#include "reconcile/host/libvirt_connection.h"
#include "reconcile/host/libvirt_reader.h"
#include "tests/integration/libvirt_world.h"

namespace sriov::reconcile {
namespace {

using integration::daemonUri;
using integration::setUpWorld;

std::vector<ObservedNetwork> readNetworks() {
  setUpWorld();
  Result<LibvirtConnection> connection = LibvirtConnection::open(daemonUri());
  REQUIRE_MESSAGE(connection.ok(), connection.error().message);
  Result<std::vector<ObservedNetwork>> networks = LibvirtReader(*connection).networks();
  REQUIRE_MESSAGE(networks.ok(), networks.error().message);
  return *networks;
}

std::vector<ObservedDomain> readDomains() {
  setUpWorld();
  Result<LibvirtConnection> connection = LibvirtConnection::open(daemonUri());
  REQUIRE_MESSAGE(connection.ok(), connection.error().message);
  Result<std::vector<ObservedDomain>> domains = LibvirtReader(*connection).domains();
  REQUIRE_MESSAGE(domains.ok(), domains.error().message);
  return *domains;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string stateName(const ObservedDomain& domain) {
  return toString(domain.state);
}

TEST_CASE("LibvirtReader lists every network, sorted, with each field") {
  std::vector<ObservedNetwork> networks = readNetworks();
  REQUIRE(networks.size() == 4);
  CHECK(networks[0].name == "ext-bridge");
  CHECK(networks[1].name == "pool-list");
  CHECK(networks[2].name == "pool-pf");
  CHECK(networks[3].name == "pool-transient");

  SUBCASE("a started, autostarted, owned <pf> pool with a vlan") {
    const ObservedNetwork& n = networks[2];
    CHECK(n.active);
    CHECK(n.autostart);
    CHECK(n.persistent);
    CHECK(n.forwardMode == "hostdev");
    CHECK(n.managed);
    CHECK(n.pfDev == "eth3");
    // The persistent XML: libvirt lists the VFs it resolved only in the live one.
    CHECK(n.vfs.empty());
    CHECK(n.vlan == std::optional<unsigned>(42));
    CHECK(n.owned);
    CHECK(contains(n.xml, "<pf dev='eth3'/>"));
    CHECK_FALSE(contains(n.xml, "function='0x0'"));
  }
  SUBCASE("a defined, unmanaged pool with an explicit VF list") {
    const ObservedNetwork& n = networks[1];
    CHECK_FALSE(n.active);
    CHECK_FALSE(n.autostart);
    CHECK(n.persistent);
    CHECK(n.forwardMode == "hostdev");
    CHECK_FALSE(n.managed);
    CHECK(n.pfDev == "");
    CHECK(n.vfs == std::vector<std::string>{"0000:03:10.2", "0000:03:10.4"});
    CHECK_FALSE(n.vlan.has_value());
    CHECK_FALSE(n.owned);
  }
  SUBCASE("a network that is not a VF pool") {
    const ObservedNetwork& n = networks[0];
    CHECK_FALSE(n.active);
    CHECK_FALSE(n.autostart);
    CHECK(n.persistent);
    CHECK(n.forwardMode == "bridge");
    CHECK(n.pfDev == "");
    CHECK(n.vfs.empty());
    CHECK_FALSE(n.owned);
  }
  SUBCASE("a transient pool") {
    const ObservedNetwork& n = networks[3];
    CHECK(n.active);
    CHECK_FALSE(n.autostart);
    CHECK_FALSE(n.persistent);
    CHECK(n.forwardMode == "hostdev");
    CHECK(n.pfDev == "eth3");
  }
}

TEST_CASE("LibvirtReader lists every domain, sorted, with its devices") {
  std::vector<ObservedDomain> domains = readDomains();
  REQUIRE(domains.size() == 5);
  CHECK(domains[0].name == "guest-attach");
  CHECK(domains[1].name == "guest-dec");
  CHECK(domains[2].name == "guest-hex");
  CHECK(domains[3].name == "guest-running");
  CHECK(domains[4].name == "guest-transient");

  SUBCASE("a hostdev interface written in hex, on a shut-off domain") {
    const ObservedDomain& d = domains[2];
    CHECK(stateName(d) == "shutoff");
    CHECK_FALSE(d.autostart);
    CHECK(d.persistent);
    CHECK(d.xml == d.inactiveXml);
    CHECK(d.liveDevices.empty());
    GuestDevice expected;
    expected.kind = GuestDevice::Kind::hostdevInterface;
    expected.pci = "0000:03:10.2";
    expected.mac = "52:54:00:6d:90:02";
    expected.vlan = 42;
    expected.alias = "ua-sriov-if0";
    expected.managed = true;
    REQUIRE(d.configDevices.size() == 1);
    CHECK(d.configDevices[0] == expected);
    CHECK(d.configDevices[0].owned());
  }
  SUBCASE("a hostdev interface written in decimal, with a virtualport") {
    // libvirt writes addresses back in hex: the decimal form is read in domain_xml's tests.
    const ObservedDomain& d = domains[1];
    CHECK(stateName(d) == "shutoff");
    GuestDevice expected;
    expected.kind = GuestDevice::Kind::hostdevInterface;
    expected.pci = "0000:03:10.4";
    expected.mac = "52:54:00:6d:90:04";
    expected.virtualport = Virtualport{"802.1Qbh", "finance", {}, {}, {}, {}};
    expected.managed = true;
    REQUIRE(d.configDevices.size() == 1);
    CHECK(d.configDevices[0] == expected);
    CHECK_FALSE(d.configDevices[0].owned());
  }
  SUBCASE("a network interface and a plain hostdev attached with AFFECT_CONFIG") {
    const ObservedDomain& d = domains[0];
    CHECK(stateName(d) == "shutoff");
    CHECK(d.liveDevices.empty());
    GuestDevice network;
    network.kind = GuestDevice::Kind::networkInterface;
    network.network = "pool-pf";
    network.mac = "52:54:00:6d:90:03";
    network.alias = "ua-sriov-net0";
    network.managed = true;
    GuestDevice hostdev;
    hostdev.kind = GuestDevice::Kind::hostdev;
    hostdev.pci = "0000:05:00.1";
    hostdev.alias = "ua-sriov-hd0";
    hostdev.managed = true;
    REQUIRE(d.configDevices.size() == 2);
    CHECK(d.configDevices[0] == network);
    CHECK(d.configDevices[1] == hostdev);
  }
  SUBCASE("a running domain: the live XML and the persistent one differ") {
    const ObservedDomain& d = domains[3];
    CHECK(stateName(d) == "running");
    CHECK(d.running());
    CHECK(d.autostart);
    CHECK(d.persistent);
    CHECK(d.xml != d.inactiveXml);
    CHECK(contains(d.xml, "<domain type='qemu' id="));
    CHECK(contains(d.inactiveXml, "<domain type='qemu'>"));
    CHECK(d.liveDevices.empty());
    REQUIRE(d.configDevices.size() == 1);
    CHECK(d.configDevices[0].kind == GuestDevice::Kind::hostdevInterface);
    CHECK(d.configDevices[0].pci == "0000:03:10.0");
    CHECK(d.configDevices[0].mac == "52:54:00:6d:90:00");
  }
  SUBCASE("a transient domain has no persistent XML") {
    const ObservedDomain& d = domains[4];
    CHECK(stateName(d) == "running");
    CHECK_FALSE(d.persistent);
    CHECK_FALSE(d.autostart);
    CHECK_FALSE(d.xml.empty());
    CHECK(d.inactiveXml.empty());
    CHECK(d.liveDevices.empty());
    CHECK(d.configDevices.empty());
  }
}

TEST_CASE("LibvirtConnection names the URI and libvirt's cause when there is no daemon") {
  std::string uri = "qemu:///system?socket=/nonexistent/sriov-apply/libvirt-sock";
  Result<LibvirtConnection> connection = LibvirtConnection::open(uri);
  REQUIRE_FALSE(connection.ok());
  CHECK(connection.error().message ==
        "cannot connect to libvirt at " + uri +
            ": Failed to connect socket to '/nonexistent/sriov-apply/libvirt-sock': No such "
            "file or directory");
  CHECK(connection.error().code == VIR_ERR_SYSTEM_ERROR);
}

}  // namespace
}  // namespace sriov::reconcile
