// LinuxHost's libvirt mutations against the test daemon, checked through libvirt's C API.
// Each test removes what it created, so the world the read tests expect stays as it was.
#include <doctest/doctest.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "reconcile/domain_xml.h"
#include "reconcile/host/libvirt_connection.h"
#include "reconcile/host/linux_host.h"
#include "tests/integration/libvirt_world.h"

namespace sriov::reconcile {
namespace {

using integration::daemonUri;

LinuxHost host(std::chrono::milliseconds detachTimeout = std::chrono::seconds(30)) {
  LinuxHostOptions options = integration::worldHostOptions();
  options.detachTimeout = detachTimeout;
  return LinuxHost(options);
}

// A connection for checking, and the networks and domains a test created, removed at the end.
class Daemon {
 public:
  Daemon() : connection_(open()) {}
  ~Daemon() {
    for (const std::string& name : domains_) {
      DomainHandle domain(virDomainLookupByName(connection_.get(), name.c_str()));
      if (!domain) continue;
      if (virDomainIsActive(domain.get()) == 1) virDomainDestroy(domain.get());
      if (virDomainIsPersistent(domain.get()) == 1) virDomainUndefine(domain.get());
    }
    for (const std::string& name : networks_) {
      NetworkHandle network(virNetworkLookupByName(connection_.get(), name.c_str()));
      if (!network) continue;
      if (virNetworkIsActive(network.get()) == 1) virNetworkDestroy(network.get());
      if (virNetworkIsPersistent(network.get()) == 1) virNetworkUndefine(network.get());
    }
    virResetLastError();
  }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  void removeLater(const std::string& network) { networks_.push_back(network); }

  // Defines a domain (removed at the end), and starts it when running is yes.
  enum class Running { yes, no };
  void defineDomain(const std::string& name, Running running) {
    domains_.push_back(name);
    std::string xml = "<domain type='qemu'><name>" + name +
                      "</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu>"
                      "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
                      "<features><acpi/></features><devices/></domain>";
    DomainHandle domain(virDomainDefineXML(connection_.get(), xml.c_str()));
    REQUIRE_MESSAGE(domain, "define " << name << ": " << virGetLastErrorMessage());
    if (running == Running::yes)
      REQUIRE_MESSAGE(virDomainCreate(domain.get()) == 0,
                      "start " << name << ": " << virGetLastErrorMessage());
  }

  NetworkHandle network(const std::string& name) const {
    return NetworkHandle(virNetworkLookupByName(connection_.get(), name.c_str()));
  }
  DomainHandle domain(const std::string& name) const {
    DomainHandle domain(virDomainLookupByName(connection_.get(), name.c_str()));
    REQUIRE_MESSAGE(domain, name << ": " << virGetLastErrorMessage());
    return domain;
  }
  int state(const std::string& name) const {
    int state = VIR_DOMAIN_NOSTATE;
    REQUIRE(virDomainGetState(domain(name).get(), &state, nullptr, 0) == 0);
    return state;
  }
  // The devices of a domain's persistent definition (VIR_DOMAIN_XML_INACTIVE).
  std::vector<GuestDevice> configDevices(const std::string& name) const {
    char* xml = virDomainGetXMLDesc(domain(name).get(), VIR_DOMAIN_XML_INACTIVE);
    REQUIRE(xml != nullptr);
    Result<std::vector<GuestDevice>> devices = parseGuestDevices(xml);
    std::free(xml);
    REQUIRE_MESSAGE(devices.ok(), devices.error().message);
    return *devices;
  }
  std::string liveXml(const std::string& name) const { return xmlOf(name, 0); }
  std::string inactiveXml(const std::string& name) const {
    return xmlOf(name, VIR_DOMAIN_XML_INACTIVE);
  }
  std::string xmlOf(const std::string& name, unsigned flags) const {
    char* xml = virDomainGetXMLDesc(domain(name).get(), flags);
    REQUIRE(xml != nullptr);
    std::string text = xml;
    std::free(xml);
    return text;
  }

 private:
  static LibvirtConnection open() {
    Result<LibvirtConnection> connection = LibvirtConnection::open(daemonUri());
    REQUIRE_MESSAGE(connection.ok(), connection.error().message);
    return std::move(*connection);
  }

  LibvirtConnection connection_;
  std::vector<std::string> networks_;
  std::vector<std::string> domains_;
};

constexpr const char* kNetwork =
    "<network><name>write-pool</name>"
    "<metadata><sriov-apply:owner xmlns:sriov-apply='http://sriov-apply.org/xmlns/v1'/>"
    "</metadata>"
    "<forward mode='hostdev' managed='yes'><pf dev='eth3'/></forward></network>";

constexpr const char* kHostdevInterface =
    "<interface type='hostdev' managed='yes'><source>"
    "<address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x4'/></source>"
    "<mac address='52:54:00:6d:90:14'/><vlan><tag id='42'/></vlan>"
    "<alias name='ua-sriov-if0'/></interface>";
constexpr const char* kHostdevInterfaceVlan43 =
    "<interface type='hostdev' managed='yes'><source>"
    "<address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x4'/></source>"
    "<mac address='52:54:00:6d:90:14'/><vlan><tag id='43'/></vlan>"
    "<alias name='ua-sriov-if0'/></interface>";
constexpr const char* kNetworkInterface =
    "<interface type='network'><source network='pool-pf'/>"
    "<mac address='52:54:00:6d:90:13'/><alias name='ua-sriov-net0'/></interface>";
constexpr const char* kPlainHostdev =
    "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
    "<address domain='0x0000' bus='0x05' slot='0x00' function='0x1'/></source>"
    "<alias name='ua-sriov-hd0'/></hostdev>";

constexpr DeviceScope kConfig{false, true};
constexpr DeviceScope kLive{true, false};

TEST_CASE("LinuxHost defines, starts, autostarts, stops and undefines a hostdev network") {
  LinuxHost linux = host();
  Daemon daemon;
  daemon.removeLater("write-pool");

  Result<void> result = linux.defineNetwork(kNetwork);
  REQUIRE_MESSAGE(result.ok(), result.error().message);
  NetworkHandle network = daemon.network("write-pool");
  REQUIRE(network);
  CHECK(virNetworkIsPersistent(network.get()) == 1);
  CHECK(virNetworkIsActive(network.get()) == 0);

  result = linux.startNetwork("write-pool");
  REQUIRE_MESSAGE(result.ok(), result.error().message);
  CHECK(virNetworkIsActive(network.get()) == 1);

  int autostart = -1;
  REQUIRE(linux.setNetworkAutostart("write-pool", true).ok());
  REQUIRE(virNetworkGetAutostart(network.get(), &autostart) == 0);
  CHECK(autostart == 1);
  REQUIRE(linux.setNetworkAutostart("write-pool", false).ok());
  REQUIRE(virNetworkGetAutostart(network.get(), &autostart) == 0);
  CHECK(autostart == 0);

  result = linux.stopNetwork("write-pool");
  REQUIRE_MESSAGE(result.ok(), result.error().message);
  CHECK(virNetworkIsActive(network.get()) == 0);

  result = linux.undefineNetwork("write-pool");
  REQUIRE_MESSAGE(result.ok(), result.error().message);
  CHECK_FALSE(daemon.network("write-pool"));
  virResetLastError();
}

TEST_CASE("LinuxHost's network errors name the network and carry libvirt's message") {
  LinuxHost linux = host();
  Result<void> result = linux.startNetwork("no-such-pool");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message ==
        "cannot start network no-such-pool: Network not found: no network with matching name "
        "'no-such-pool'");
  CHECK(result.error().code == VIR_ERR_NO_NETWORK);
  result = linux.stopNetwork("ext-bridge");  // defined, not started
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message ==
        "cannot stop network ext-bridge: Requested operation is not valid: network 'ext-bridge' "
        "is not active");
  result = linux.defineNetwork("<network><name>broken</name><forward mode='nonsense'/></network>");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message ==
        "cannot define network broken: unsupported configuration: unknown forwarding type "
        "'nonsense'");
}

TEST_CASE("LinuxHost attaches, updates and detaches devices in a shut-off guest's config") {
  LinuxHost linux = host();
  Daemon daemon;
  daemon.defineDomain("write-off", Daemon::Running::no);

  for (const char* xml : {kHostdevInterface, kNetworkInterface, kPlainHostdev}) {
    Result<void> result = linux.attachDevice("write-off", xml, kConfig);
    REQUIRE_MESSAGE(result.ok(), result.error().message);
  }
  std::vector<GuestDevice> devices = daemon.configDevices("write-off");
  REQUIRE(devices.size() == 3);
  CHECK(devices[0].kind == GuestDevice::Kind::hostdevInterface);
  CHECK(devices[0].pci == "0000:03:10.4");
  CHECK(devices[0].vlan == std::optional<unsigned>(42));
  CHECK(devices[0].alias == "ua-sriov-if0");
  CHECK(devices[1].kind == GuestDevice::Kind::networkInterface);
  CHECK(devices[1].network == "pool-pf");
  CHECK(devices[1].mac == "52:54:00:6d:90:13");
  CHECK(devices[2].kind == GuestDevice::Kind::hostdev);
  CHECK(devices[2].pci == "0000:05:00.1");

  Result<void> result = linux.updateDevice("write-off", kHostdevInterfaceVlan43, kConfig);
  REQUIRE_MESSAGE(result.ok(), result.error().message);
  devices = daemon.configDevices("write-off");
  REQUIRE(devices.size() == 3);
  CHECK(devices[0].vlan == std::optional<unsigned>(43));

  for (const char* xml : {kHostdevInterfaceVlan43, kNetworkInterface, kPlainHostdev}) {
    result = linux.detachDevice("write-off", xml, kConfig);
    REQUIRE_MESSAGE(result.ok(), result.error().message);
  }
  CHECK(daemon.configDevices("write-off").empty());

  result = linux.detachDevice("write-off", kPlainHostdev, kConfig);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message ==
        "cannot detach a device from guest write-off: device not found: device not present in "
        "domain configuration");
}

TEST_CASE("LinuxHost: live changes to a running guest") {
  LinuxHost linux = host(std::chrono::seconds(2));
  Daemon daemon;
  daemon.defineDomain("write-running", Daemon::Running::yes);

  SUBCASE("a live attach of a VF fails with libvirt's reason, named") {
    Result<void> result = linux.attachDevice("write-running", kHostdevInterface, kLive);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message ==
          "cannot attach a device to guest write-running: unsupported configuration: host "
          "doesn't support passthrough of host PCI devices");
    CHECK(daemon.liveXml("write-running").find("ua-sriov-if0") == std::string::npos);
  }
  SUBCASE("a live detach the guest does not answer times out, named") {
    // A device QEMU can hot-plug here; the guest has no OS to answer its unplug request.
    const char* nic =
        "<interface type='user'><mac address='52:54:00:6d:90:20'/><model type='e1000'/>"
        "<alias name='ua-sriov-user0'/></interface>";
    Result<void> result = linux.attachDevice("write-running", nic, kLive);
    REQUIRE_MESSAGE(result.ok(), result.error().message);
    CHECK(daemon.liveXml("write-running").find("ua-sriov-user0") != std::string::npos);
    result = linux.detachDevice("write-running", nic, kLive);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message ==
          "guest write-running did not release interface ua-sriov-user0 within 2 s; it must "
          "answer the PCI unplug request (is its OS running?)");
    CHECK(daemon.liveXml("write-running").find("ua-sriov-user0") != std::string::npos);
  }
  SUBCASE("a live and config detach that times out leaves the device in both (found by e2e 11)") {
    // libvirt removes the device from the configuration as soon as it has sent the unplug
    // request; LinuxHost puts it back, so the failed action changes nothing.
    const char* nic =
        "<interface type='user'><mac address='52:54:00:6d:90:21'/><model type='e1000'/>"
        "<alias name='ua-sriov-user1'/></interface>";
    DeviceScope both{true, true};
    Result<void> result = linux.attachDevice("write-running", nic, both);
    REQUIRE_MESSAGE(result.ok(), result.error().message);
    result = linux.detachDevice("write-running", nic, both);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message ==
          "guest write-running did not release interface ua-sriov-user1 within 2 s; it must "
          "answer the PCI unplug request (is its OS running?); it stays in the configuration "
          "(the unplug request stays pending in the guest)");
    CHECK(daemon.liveXml("write-running").find("ua-sriov-user1") != std::string::npos);
    CHECK(daemon.inactiveXml("write-running").find("ua-sriov-user1") != std::string::npos);
  }
  SUBCASE("a shutdown the guest does not answer times out, and the guest keeps running") {
    Result<void> result = linux.shutdownGuest("write-running", std::chrono::seconds(2));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message ==
          "guest write-running did not shut down within 2 s; it must answer the ACPI shutdown "
          "request (is its OS running?); it was not forced off");
    CHECK(daemon.state("write-running") == VIR_DOMAIN_RUNNING);
  }
}

TEST_CASE("LinuxHost starts a shut-off guest") {
  LinuxHost linux = host();
  Daemon daemon;
  daemon.defineDomain("write-start", Daemon::Running::no);
  CHECK(daemon.state("write-start") == VIR_DOMAIN_SHUTOFF);
  Result<void> result = linux.startGuest("write-start");
  REQUIRE_MESSAGE(result.ok(), result.error().message);
  CHECK(daemon.state("write-start") == VIR_DOMAIN_RUNNING);

  result = linux.startGuest("write-start");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message ==
        "cannot start guest write-start: Requested operation is not valid: domain is already "
        "running");
}

}  // namespace
}  // namespace sriov::reconcile
