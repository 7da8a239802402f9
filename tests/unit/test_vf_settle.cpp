// Tests of VfSettler in poll mode against fake sysfs trees: when a VF counts as ready, the
// messages while waiting and on timeout, and a tree that changes while it waits.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "reconcile/host/sysfs_files.h"
#include "reconcile/host/vf_settle.h"
#include "tests/unit/sysfs_fixture.h"

namespace sriov::reconcile {
namespace {

using namespace std::chrono_literals;
using testing::SysfsFixture;

constexpr const char* kPf = "0000:03:00.0";

VfSettler settler(const SysfsFixture& sys, const std::string& label = "eth3") {
  Result<VfSettler> started = VfSettler::start(sys.root(), kPf, label, SettleMode::poll);
  REQUIRE_MESSAGE(started.ok(), started.error().message);
  return std::move(*started);
}

VfProgress progressOf(const SysfsFixture& sys, unsigned count) {
  Result<VfProgress> progress = settler(sys).check(count);
  REQUIRE_MESSAGE(progress.ok(), progress.error().message);
  return *progress;
}

void networkPf(SysfsFixture& sys, const std::vector<SysfsFixture::Vf>& vfs) {
  sys.pciDevice(kPf, "0x8086", "0x10c9", "igb");
  sys.netdev(kPf, "eth3", "0x1003");
  sys.sriov(kPf, 7, 128, 2, vfs);
}

TEST_CASE("settleModeFor polls any sysfs root but the real one") {
  CHECK(settleModeFor("/tmp/sriov-sysfs-x") == SettleMode::poll);
  CHECK(settleModeFor("/sysfs") == SettleMode::poll);
}

TEST_CASE("VfSettler::check: when a VF is ready") {
  SysfsFixture sys;
  SUBCASE("a network PF's VF needs a driver, and a netdev unless it is on a passthrough driver") {
    networkPf(sys, {{"0000:03:10.0", "igbvf", "eth4"},
                    {"0000:03:10.2", "vfio-pci", ""},
                    {"0000:03:10.4", "", ""},
                    {"0000:03:10.6", "igbvf", ""}});
    VfProgress progress = progressOf(sys, 5);
    CHECK(progress.ready == 2);
    CHECK(progress.wanted == 5);
    CHECK(progress.missing ==
          std::vector<std::string>{"VF 2 (0000:03:10.4) has no driver bound",
                                   "VF 3 (0000:03:10.6) has no netdev yet (driver igbvf)",
                                   "VF 4 has no virtfn4 link yet"});
    CHECK_FALSE(progress.done());
  }
  SUBCASE("with sriov_drivers_autoprobe 0 nothing binds VFs: unbound is ready") {
    networkPf(sys, {{"0000:03:10.0", "", ""}});
    sys.file(SysfsFixture::deviceDir(kPf) + "/sriov_drivers_autoprobe", "0\n");
    VfProgress progress = progressOf(sys, 1);
    CHECK(progress.ready == 1);
    CHECK(progress.done());
  }
  SUBCASE("with sriov_drivers_autoprobe 1 a driver is awaited") {
    networkPf(sys, {{"0000:03:10.0", "", ""}});
    sys.file(SysfsFixture::deviceDir(kPf) + "/sriov_drivers_autoprobe", "1\n");
    CHECK(progressOf(sys, 1).missing ==
          std::vector<std::string>{"VF 0 (0000:03:10.0) has no driver bound"});
  }
  SUBCASE("the VFs of a PF without a netdev (NVMe) may stay unbound") {
    sys.pciDevice(kPf, "0x144d", "0xa824", "nvme");
    sys.sriov(kPf, 32, 1, 1, {{"0000:03:00.1", "", ""}, {"0000:03:00.2", "nvme", ""}});
    VfProgress progress = progressOf(sys, 2);
    CHECK(progress.ready == 2);
    CHECK(progress.done());
  }
  SUBCASE("count 0: done when no virtfn link is left") {
    networkPf(sys, {{"0000:03:10.0", "igbvf", "eth4"}, {"0000:03:10.2", "", ""}});
    CHECK(progressOf(sys, 0).missing == std::vector<std::string>{"virtfn0", "virtfn1"});
    sys.remove(SysfsFixture::deviceDir(kPf) + "/virtfn0");
    sys.remove(SysfsFixture::deviceDir(kPf) + "/virtfn1");
    CHECK(progressOf(sys, 0).done());
  }
  SUBCASE("a PF that is not there") {
    Result<VfProgress> progress = settler(sys).check(1);
    REQUIRE_FALSE(progress.ok());
    CHECK(progress.error().message ==
          "cannot read " + sys.root() + "/bus/pci/devices/0000:03:00.0: No such file or directory");
  }
}

TEST_CASE("VfSettler::wait") {
  SysfsFixture sys;
  networkPf(sys, {{"0000:03:10.0", "igbvf", "eth4"}, {"0000:03:10.2", "", ""}});
  std::vector<std::string> told;
  ProgressCallback progress = [&](const std::string& line) { told.push_back(line); };

  SUBCASE("times out naming what is missing, and tells progress at most once a second") {
    Result<void> result = settler(sys).wait(3, 1500ms, progress);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message ==
          "VFs of eth3 not ready within 1.5 s (1/3 ready): VF 1 (0000:03:10.2) has no driver "
          "bound; VF 2 has no virtfn2 link yet");
    CHECK(told == std::vector<std::string>{"waiting for VFs of eth3: 1/3 ready"});
  }
  SUBCASE("returns once the tree has caught up") {
    std::thread kernel([&] {
      std::this_thread::sleep_for(300ms);
      sys.link(SysfsFixture::deviceDir("0000:03:10.2") + "/driver",
               "../../../../bus/pci/drivers/igbvf");
      sys.netdev("0000:03:10.2", "eth5", "0x1002");
    });
    Result<void> result = settler(sys).wait(2, 10s, progress);
    kernel.join();
    CHECK_MESSAGE(result.ok(), result.error().message);
    CHECK(told.empty());
  }
  SUBCASE("count 0 times out naming the links left") {
    Result<void> result = settler(sys).wait(0, 200ms, progress);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message ==
          "VFs of eth3 not removed within 0.2 s: virtfn0, virtfn1 still exist");
  }
}

TEST_CASE("VfSettler::waitForHostDriver: after a guest let go of a VF libvirt manages") {
  SysfsFixture sys;
  networkPf(sys, {{"0000:03:10.0", "igbvf", "eth4"}, {"0000:03:10.2", "igbvf", ""}});
  const std::string vf = SysfsFixture::deviceDir("0000:03:10.2");
  std::vector<std::string> told;
  ProgressCallback progress = [&](const std::string& line) { told.push_back(line); };

  SUBCASE("back on igbvf (libvirt rebound it): waits for its netdev") {
    std::thread udev([&] {
      std::this_thread::sleep_for(300ms);
      sys.netdev("0000:03:10.2", "eth5", "0x1002");
    });
    auto start = std::chrono::steady_clock::now();
    Result<HostDriverWait> back = settler(sys).waitForHostDriver("0000:03:10.2", 10s, progress);
    auto waited = std::chrono::steady_clock::now() - start;
    // Looked at when the wait returned, before the "udev" thread is joined.
    bool netdevThen = sysfs::exists(sys.root() + "/" + vf + "/net/eth5");
    udev.join();
    REQUIRE_MESSAGE(back.ok(), back.error().message);
    CHECK(*back == HostDriverWait::back);
    CHECK(waited >= 300ms);
    CHECK(netdevThen);  // not before the netdev came
  }
  SUBCASE("no netdev within the timeout: timedOut, telling progress why") {
    Result<HostDriverWait> back = settler(sys).waitForHostDriver("0000:03:10.2", 1200ms, progress);
    REQUIRE_MESSAGE(back.ok(), back.error().message);
    CHECK(*back == HostDriverWait::timedOut);
    CHECK(told == std::vector<std::string>{"waiting for 0000:03:10.2 on its host driver: VF 1 "
                                           "(0000:03:10.2) has no netdev yet (driver igbvf)"});
  }
  SUBCASE("still on vfio-pci: libvirt left it there, said at once") {
    sys.remove(vf + "/driver");
    sys.link(vf + "/driver", "../../../../bus/pci/drivers/vfio-pci");
    auto start = std::chrono::steady_clock::now();
    Result<HostDriverWait> back = settler(sys).waitForHostDriver("0000:03:10.2", 10s, progress);
    REQUIRE(back.ok());
    CHECK(*back == HostDriverWait::leftOnStub);
    CHECK(std::chrono::steady_clock::now() - start < 5s);
    CHECK(told.empty());
  }
  SUBCASE("with sriov_drivers_autoprobe 0, unbound from vfio-pci is back") {
    sys.file(SysfsFixture::deviceDir(kPf) + "/sriov_drivers_autoprobe", "0\n");
    sys.remove(vf + "/driver");
    Result<HostDriverWait> back = settler(sys).waitForHostDriver("0000:03:10.2", 200ms, progress);
    REQUIRE(back.ok());
    CHECK(*back == HostDriverWait::back);
  }
  SUBCASE("a VF that is gone (its PF's count changed) is not waited for") {
    Result<HostDriverWait> back = settler(sys).waitForHostDriver("0000:03:10.6", 10s, progress);
    REQUIRE(back.ok());
    CHECK(*back == HostDriverWait::back);
  }
}

}  // namespace
}  // namespace sriov::reconcile
