// Tests of LinuxHost: observe() over a fake sysfs tree and libvirt's test:/// driver (a
// read-only check; the real daemon is tier 2), and the write methods' honest refusal.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>

#include "reconcile/host/linux_host.h"
#include "tests/unit/sysfs_fixture.h"

namespace sriov::reconcile {
namespace {

using testing::SysfsFixture;

// A test driver node: a running domain with a hostdev interface on a VF, a shut-off one.
constexpr const char* kTestNode = R"(<node>
  <domain type='test'>
    <name>vm-running</name>
    <memory unit='KiB'>131072</memory><vcpu>1</vcpu><os><type>hvm</type></os>
    <devices>
      <interface type='hostdev' managed='yes'>
        <source><address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x0'/></source>
        <mac address='52:54:00:6D:90:00'/>
      </interface>
    </devices>
  </domain>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>vm-off</name>
    <memory unit='KiB'>131072</memory><vcpu>1</vcpu><os><type>hvm</type></os>
    <test:runstate>5</test:runstate>
  </domain>
</node>
)";

// What f wrote to file descriptor 2.
std::string capturedStderr(const std::function<void()>& f) {
  std::fflush(stderr);
  int saved = ::dup(2);
  std::FILE* capture = std::tmpfile();
  ::dup2(::fileno(capture), 2);
  f();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::string text;
  std::rewind(capture);
  for (int c; (c = std::fgetc(capture)) != EOF;) text += static_cast<char>(c);
  std::fclose(capture);
  return text;
}

LinuxHostOptions fixtureOptions(const SysfsFixture& sys, const std::string& uri) {
  LinuxHostOptions options;
  options.sysfsRoot = sys.root();
  options.connectUri = uri;
  options.netlink = UseNetlink::no;  // the fixture's eth3 does not exist in the kernel
  options.hostname = [] { return Result<std::string>(std::string("compute-01")); };
  return options;
}

TEST_CASE("LinuxHost::observe combines sysfs and libvirt") {
  SysfsFixture sys;
  sys.pciDevice("0000:03:00.0", "0x8086", "0x10c9", "igb");
  sys.netdev("0000:03:00.0", "eth3", "0x1003");
  sys.sriov("0000:03:00.0", 7, 128, 2, {{"0000:03:10.0", "igbvf", "eth4"}});

  SUBCASE("against libvirt's test driver") {
    // The test driver of libvirt 9.0 refuses VIR_NETWORK_XML_INACTIVE, so this node has
    // domains only; networks are read from a real daemon in tests/integration.
    sys.file("node.xml", kTestNode);
    LinuxHost host(fixtureOptions(sys, "test://" + sys.root() + "/node.xml"));
    Result<ObservedState> state = host.observe();
    REQUIRE_MESSAGE(state.ok(), state.error().message);
    CHECK(state->hostname == "compute-01");
    REQUIRE(state->pfs.size() == 1);
    CHECK(state->pfs[0].name == "eth3");
    CHECK(state->pfs[0].linkUp);
    REQUIRE(state->pfs[0].vfs.size() == 1);
    CHECK(state->pfs[0].vfs[0].settings == VfNetlink{});
    CHECK(state->networks.empty());
    REQUIRE(state->domains.size() == 2);

    const ObservedDomain& off = state->domains[0];
    CHECK(off.name == "vm-off");
    CHECK(std::string(toString(off.state)) == "shutoff");
    CHECK(off.liveDevices.empty());
    CHECK(off.configDevices.empty());
    CHECK(off.xml == off.inactiveXml);

    const ObservedDomain& running = state->domains[1];
    CHECK(running.name == "vm-running");
    CHECK(std::string(toString(running.state)) == "running");
    CHECK(running.persistent);
    GuestDevice hostdev;
    hostdev.kind = GuestDevice::Kind::hostdevInterface;
    hostdev.pci = "0000:03:10.0";
    hostdev.mac = "52:54:00:6d:90:00";
    hostdev.managed = true;
    REQUIRE(running.liveDevices.size() == 1);
    hostdev.alias = running.liveDevices[0].alias;  // the test driver names it
    CHECK(running.liveDevices[0] == hostdev);
    REQUIRE(running.configDevices.size() == 1);
    CHECK(running.configDevices[0].pci == "0000:03:10.0");
  }

  SUBCASE("a libvirt that cannot be reached fails the whole observe, named, and quietly") {
    LinuxHost host(fixtureOptions(sys, "qemu:///system?socket=/nonexistent/libvirt-sock"));
    std::optional<Result<ObservedState>> observed;
    std::string printed = capturedStderr([&] { observed = host.observe(); });
    CHECK(printed == "");  // libvirt's default handler would print the error itself
    Result<ObservedState>& state = *observed;
    REQUIRE_FALSE(state.ok());
    CHECK(state.error().message ==
          "cannot connect to libvirt at qemu:///system?socket=/nonexistent/libvirt-sock: "
          "Failed to connect socket to '/nonexistent/libvirt-sock': No such file or directory");
  }

  SUBCASE("with netlink, a PF the kernel does not have is named") {
    LinuxHostOptions options = fixtureOptions(sys, "test:///default");
    options.netlink = UseNetlink::yes;
    sys.remove("class/net/eth3");
    sys.remove(SysfsFixture::deviceDir("0000:03:00.0") + "/net/eth3");
    sys.netdev("0000:03:00.0", "sriov-no-such0", "0x1003");
    Result<ObservedState> state = LinuxHost(options).observe();
    REQUIRE_FALSE(state.ok());
    CHECK(state.error().message ==
          "cannot read VF settings of sriov-no-such0 through netlink: No such device");
  }
}

TEST_CASE("LinuxHost does not change the host yet") {
  SysfsFixture sys;
  LinuxHost host(fixtureOptions(sys, "test:///default"));
  Result<void> result = host.setNumVfs("0000:03:00.0", 2);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message == "changing the host is not implemented yet: setNumVfs");
  result = host.attachDevice("web1", "<hostdev/>", DeviceScope{});
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message == "changing the host is not implemented yet: attachDevice");
  result = host.writeFile("/tmp/x", "");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message == "changing the host is not implemented yet: writeFile");
}

}  // namespace
}  // namespace sriov::reconcile
