// Sets up the integration tests' networks and domains on the test daemon with libvirt's C API.
#include "tests/integration/libvirt_world.h"

#include <doctest/doctest.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cstdlib>
#include <string>

namespace sriov::integration {
namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  REQUIRE_MESSAGE(value != nullptr, name
                                        << " is not set: run this binary through tests/integration/"
                                           "run-integration.sh (ctest -R integration)");
  return value;
}

void silent(void*, virErrorPtr) {}

std::string lastError() {
  const char* message = virGetLastErrorMessage();
  std::string text = message ? message : "?";
  virResetLastError();
  return text;
}

std::string domainXml(const std::string& name, const std::string& devices) {
  // <acpi/>: libvirt 9.0 passes -no-acpi without it, which QEMU 9 and later reject.
  return "<domain type='qemu'><name>" + name +
         "</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu>"
         "<os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features>"
         "<devices>" +
         devices + "</devices></domain>";
}

class Setup {
 public:
  Setup() {
    virSetErrorFunc(nullptr, silent);
    connection_ = virConnectOpen(daemonUri().c_str());
    REQUIRE_MESSAGE(connection_ != nullptr, "cannot connect to the test daemon: " << lastError());
  }
  ~Setup() { virConnectClose(connection_); }
  Setup(const Setup&) = delete;
  Setup& operator=(const Setup&) = delete;

  void wipe() {
    virDomainPtr* domains = nullptr;
    int count = virConnectListAllDomains(connection_, &domains, 0);
    REQUIRE_MESSAGE(count >= 0, lastError());
    for (int i = 0; i < count; ++i) {
      if (virDomainIsActive(domains[i]) == 1) virDomainDestroy(domains[i]);
      if (virDomainIsPersistent(domains[i]) == 1) virDomainUndefine(domains[i]);
      virDomainFree(domains[i]);
    }
    std::free(domains);
    virNetworkPtr* networks = nullptr;
    count = virConnectListAllNetworks(connection_, &networks, 0);
    REQUIRE_MESSAGE(count >= 0, lastError());
    for (int i = 0; i < count; ++i) {
      if (virNetworkIsActive(networks[i]) == 1) virNetworkDestroy(networks[i]);
      if (virNetworkIsPersistent(networks[i]) == 1) virNetworkUndefine(networks[i]);
      virNetworkFree(networks[i]);
    }
    std::free(networks);
    virResetLastError();
  }

  enum class Start { yes, no };
  enum class Autostart { yes, no };

  void defineNetwork(const std::string& xml, Start start, Autostart autostart) {
    virNetworkPtr network = virNetworkDefineXML(connection_, xml.c_str());
    REQUIRE_MESSAGE(network != nullptr, "virNetworkDefineXML: " << lastError());
    if (start == Start::yes) CHECK_MESSAGE(virNetworkCreate(network) == 0, lastError());
    if (autostart == Autostart::yes)
      CHECK_MESSAGE(virNetworkSetAutostart(network, 1) == 0, lastError());
    virNetworkFree(network);
  }

  void createTransientNetwork(const std::string& xml) {
    virNetworkPtr network = virNetworkCreateXML(connection_, xml.c_str());
    REQUIRE_MESSAGE(network != nullptr, "virNetworkCreateXML: " << lastError());
    virNetworkFree(network);
  }

  void defineDomain(const std::string& name, const std::string& devices) {
    virDomainPtr domain = virDomainDefineXML(connection_, domainXml(name, devices).c_str());
    REQUIRE_MESSAGE(domain != nullptr, "virDomainDefineXML " << name << ": " << lastError());
    virDomainFree(domain);
  }

  void createTransientDomain(const std::string& name) {
    virDomainPtr domain = virDomainCreateXML(connection_, domainXml(name, "").c_str(), 0);
    REQUIRE_MESSAGE(domain != nullptr, "virDomainCreateXML " << name << ": " << lastError());
    virDomainFree(domain);
  }

  // Runs f on the domain called name.
  template <typename F>
  void withDomain(const std::string& name, F f) {
    virDomainPtr domain = virDomainLookupByName(connection_, name.c_str());
    REQUIRE_MESSAGE(domain != nullptr, name << ": " << lastError());
    f(domain);
    virDomainFree(domain);
  }

  void attachToConfig(const std::string& name, const std::string& deviceXml) {
    withDomain(name, [&](virDomainPtr domain) {
      CHECK_MESSAGE(
          virDomainAttachDeviceFlags(domain, deviceXml.c_str(), VIR_DOMAIN_AFFECT_CONFIG) == 0,
          "attach to " << name << ": " << lastError());
    });
  }

 private:
  virConnectPtr connection_ = nullptr;
};

constexpr const char* kPoolPf =
    "<network><name>pool-pf</name>"
    "<metadata><sriov-apply:owner xmlns:sriov-apply='http://sriov-apply.org/xmlns/v1'/>"
    "</metadata>"
    "<forward mode='hostdev' managed='yes'><pf dev='eth3'/></forward>"
    "<vlan><tag id='42'/></vlan></network>";
constexpr const char* kPoolList =
    "<network><name>pool-list</name><forward mode='hostdev' managed='no'>"
    "<address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x2'/>"
    "<address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x4'/>"
    "</forward></network>";
constexpr const char* kExtBridge =
    "<network><name>ext-bridge</name><forward mode='bridge'/><bridge name='br-ext'/>"
    "</network>";
constexpr const char* kPoolTransient =
    "<network><name>pool-transient</name>"
    "<forward mode='hostdev' managed='yes'><pf dev='eth3'/></forward></network>";

constexpr const char* kHexInterface =
    "<interface type='hostdev' managed='yes'><source>"
    "<address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x2'/></source>"
    "<mac address='52:54:00:6D:90:02'/><vlan><tag id='42'/></vlan>"
    "<alias name='ua-sriov-if0'/></interface>";
constexpr const char* kDecimalInterface =
    "<interface type='hostdev' managed='yes'><source>"
    "<address type='pci' domain='0' bus='3' slot='16' function='4'/></source>"
    "<mac address='52:54:00:6d:90:04'/>"
    "<virtualport type='802.1Qbh'><parameters profileid='finance'/></virtualport>"
    "</interface>";
constexpr const char* kNetworkInterface =
    "<interface type='network'><source network='pool-pf'/>"
    "<mac address='52:54:00:6d:90:03'/><alias name='ua-sriov-net0'/></interface>";
constexpr const char* kPlainHostdev =
    "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
    "<address domain='0x0000' bus='0x05' slot='0x00' function='0x1'/></source>"
    "<alias name='ua-sriov-hd0'/></hostdev>";
constexpr const char* kRunningInterface =
    "<interface type='hostdev' managed='yes'><source>"
    "<address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x0'/></source>"
    "<mac address='52:54:00:6d:90:00'/></interface>";

}  // namespace

std::string daemonUri() {
  return environment("SRIOV_TEST_LIBVIRT_URI");
}
std::string fakeSysfsRoot() {
  return environment("SRIOV_TEST_SYSFS_ROOT");
}

void setUpWorld() {
  static bool done = false;
  if (done) return;
  Setup setup;
  setup.wipe();

  setup.defineNetwork(kPoolPf, Setup::Start::yes, Setup::Autostart::yes);
  setup.defineNetwork(kPoolList, Setup::Start::no, Setup::Autostart::no);
  setup.defineNetwork(kExtBridge, Setup::Start::no, Setup::Autostart::no);
  setup.createTransientNetwork(kPoolTransient);

  setup.defineDomain("guest-hex", kHexInterface);
  setup.defineDomain("guest-dec", kDecimalInterface);
  setup.defineDomain("guest-attach", "");
  setup.attachToConfig("guest-attach", kNetworkInterface);
  setup.attachToConfig("guest-attach", kPlainHostdev);

  setup.defineDomain("guest-running", "");
  setup.withDomain("guest-running", [](virDomainPtr domain) {
    REQUIRE_MESSAGE(virDomainCreate(domain) == 0, "start guest-running: " << lastError());
    CHECK_MESSAGE(virDomainSetAutostart(domain, 1) == 0, lastError());
  });
  setup.attachToConfig("guest-running", kRunningInterface);
  setup.createTransientDomain("guest-transient");
  done = true;
}

reconcile::LinuxHostOptions worldHostOptions() {
  setUpWorld();
  reconcile::LinuxHostOptions options;
  options.sysfsRoot = fakeSysfsRoot();
  options.connectUri = daemonUri();
  options.netlink = reconcile::UseNetlink::no;
  return options;
}

}  // namespace sriov::integration
