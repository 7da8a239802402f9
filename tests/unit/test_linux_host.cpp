// Tests of LinuxHost: observe() over a fake sysfs tree and libvirt's test:/// driver (a
// read-only check; the real daemon is tier 2), setNumVfs against a tree a thread changes like
// the kernel would, and the errors of the write methods.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>

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

TEST_CASE("LinuxHost::setNumVfs writes the count, then waits for the VFs the kernel makes") {
  // The kernel is a thread reading a FIFO in place of sriov_numvfs: it removes VF links for
  // 0 and makes VFs (virtfn link, driver, netdev) for any other count, a little later.
  SysfsFixture sys;
  std::string pfDir = sys.pciDevice("0000:03:00.0", "0x8086", "0x10c9", "igb");
  sys.netdev("0000:03:00.0", "eth3", "0x1003");
  sys.sriov("0000:03:00.0", 7, 128, 2, {{"0000:03:10.0", "igbvf", "eth4"}});
  sys.remove(pfDir + "/sriov_numvfs");
  std::string numvfs = sys.root() + "/" + pfDir + "/sriov_numvfs";
  REQUIRE(::mkfifo(numvfs.c_str(), 0600) == 0);
  auto kernel = [&] {
    std::ifstream in(numvfs);
    std::string count;
    std::getline(in, count);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (count == "0") {
      sys.remove(pfDir + "/virtfn0");
      return;
    }
    for (unsigned i = 1; i < std::stoul(count); ++i) {
      std::string vf = "0000:03:10." + std::to_string(2 * i);
      sys.pciDevice(vf, "0x8086", "0x10ca", "igbvf");
      sys.netdev(vf, "eth" + std::to_string(4 + i), "0x1002");
      sys.link(pfDir + "/virtfn" + std::to_string(i), "../" + vf);
    }
  };
  LinuxHostOptions options = fixtureOptions(sys, "test:///default");
  options.settleTimeout = std::chrono::seconds(10);

  SUBCASE("up to a new count") {
    std::thread thread(kernel);
    Result<void> result = LinuxHost(options).setNumVfs("0000:03:00.0", 3);
    thread.join();
    REQUIRE_MESSAGE(result.ok(), result.error().message);
    // (Not through SysfsReader: it would open the FIFO to read the count, and wait forever.)
    CHECK(std::filesystem::exists(sys.root() + "/" + pfDir + "/virtfn2/net/eth6"));
  }
  SUBCASE("down to 0") {
    std::thread thread(kernel);
    Result<void> result = LinuxHost(options).setNumVfs("0000:03:00.0", 0);
    thread.join();
    REQUIRE_MESSAGE(result.ok(), result.error().message);
    CHECK_FALSE(std::filesystem::exists(sys.root() + "/" + pfDir + "/virtfn0"));
  }
  SUBCASE("a kernel that does not make the VFs: a timeout naming the PF") {
    options.settleTimeout = std::chrono::milliseconds(300);
    std::thread thread([&] {
      std::ifstream in(numvfs);
      std::string count;
      std::getline(in, count);
    });
    Result<void> result = LinuxHost(options).setNumVfs("0000:03:00.0", 2);
    thread.join();
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message ==
          "VFs of eth3 not ready within 0.3 s (1/2 ready): VF 1 has no virtfn1 link yet");
  }
}

TEST_CASE("LinuxHost's libvirt and file methods name what failed") {
  SysfsFixture sys;
  LinuxHost host(fixtureOptions(sys, "test:///default"));
  Result<void> result = host.attachDevice("web1", "<hostdev/>", DeviceScope{});
  REQUIRE_FALSE(result.ok());
  // (libvirt's test driver words it shorter than the QEMU driver.)
  CHECK(result.error().message == "cannot attach a device to guest web1: Domain not found");
  result = host.startNetwork("pool");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message ==
        "cannot start network pool: Network not found: no network with matching name 'pool'");
  sys.file("plain", "x");
  result = host.writeFile(sys.root() + "/plain/x.rules", "");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message == "cannot write " + sys.root() +
                                      "/plain/x.rules: cannot create folder " + sys.root() +
                                      "/plain: Not a directory");
}

}  // namespace
}  // namespace sriov::reconcile
