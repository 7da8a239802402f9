// Tests of SysfsWriter against fake sysfs trees: what it writes where, and its messages. A
// FIFO stands in for drivers_probe where the kernel's answer (a new driver link) is needed.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "reconcile/host/sysfs_writer.h"
#include "tests/unit/sysfs_fixture.h"

namespace sriov::reconcile {
namespace {

using testing::SysfsFixture;

std::string contentOf(const SysfsFixture& sys, const std::string& rel) {
  std::ifstream in(sys.root() + "/" + rel);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// eth3 at 0000:03:00.0 on igb with two VFs: 03:10.0 on igbvf (netdev eth4), 03:10.2 unbound.
void twoVfs(SysfsFixture& sys) {
  sys.pciDevice("0000:03:00.0", "0x8086", "0x10c9", "igb");
  sys.netdev("0000:03:00.0", "eth3", "0x1003");
  sys.sriov("0000:03:00.0", 7, 128, 2,
            {{"0000:03:10.0", "igbvf", "eth4"}, {"0000:03:10.2", "", ""}});
}

TEST_CASE("numVfsError words the kernel's errno of a write to sriov_numvfs") {
  auto message = [](int err) { return numVfsError("eth3", 4, err, 7).message; };
  CHECK(message(EBUSY) ==
        "cannot set sriov_numvfs of eth3 to 4: VFs are still in use or enabled; set 0 first "
        "(Device or resource busy)");
  CHECK(message(ERANGE) ==
        "cannot set sriov_numvfs of eth3 to 4: 4 exceeds sriov_totalvfs 7 (Numerical result "
        "out of range)");
  CHECK(numVfsError("eth3", 9, ERANGE, std::nullopt).message ==
        "cannot set sriov_numvfs of eth3 to 9: 9 exceeds sriov_totalvfs (Numerical result out "
        "of range)");
  CHECK(message(ENOENT) ==
        "cannot set sriov_numvfs of eth3 to 4: the PF has no driver bound, or its driver "
        "cannot create VFs (No such file or directory)");
  CHECK(message(EACCES) ==
        "cannot set sriov_numvfs of eth3 to 4: not permitted; run sriov-apply as root "
        "(Permission denied)");
  CHECK(message(EPERM) ==
        "cannot set sriov_numvfs of eth3 to 4: not permitted; run sriov-apply as root "
        "(Operation not permitted)");
  CHECK(message(ENOMEM) == "cannot set sriov_numvfs of eth3 to 4: Cannot allocate memory");
  CHECK(numVfsError("eth3", 4, EBUSY, 7).code == EBUSY);
}

TEST_CASE("SysfsWriter writes sriov_numvfs") {
  SysfsFixture sys;
  twoVfs(sys);
  SysfsWriter writer(sys.root());
  std::string file = SysfsFixture::deviceDir("0000:03:00.0") + "/sriov_numvfs";

  SUBCASE("the count, without a newline, over the old one") {
    REQUIRE(writer.writeNumVfs("0000:03:00.0", 0).ok());
    CHECK(contentOf(sys, file) == "0");
  }
  SUBCASE("a PCI device without sriov_numvfs is no SR-IOV PF") {
    sys.pciDevice("0000:05:00.0", "0x8086", "0x10c9", "igb");
    Result<void> result = writer.writeNumVfs("0000:05:00.0", 2);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message == "cannot set sriov_numvfs of 0000:05:00.0 to 2: " + sys.root() +
                                        "/bus/pci/devices/0000:05:00.0/sriov_numvfs does not "
                                        "exist (not an SR-IOV PF)");
  }
  SUBCASE("another errno is named with its words") {
    sys.remove(file);
    sys.dir(file);
    Result<void> result = writer.writeNumVfs("0000:03:00.0", 2);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message == "cannot set sriov_numvfs of eth3 to 2: Is a directory");
    CHECK(result.error().code == EISDIR);
  }
}

TEST_CASE("SysfsWriter binds a VF to a driver") {
  SysfsFixture sys;
  twoVfs(sys);
  sys.dir("bus/pci/drivers/vfio-pci");
  std::string vf0 = SysfsFixture::deviceDir("0000:03:10.0");
  sys.file(vf0 + "/driver_override", "(null)\n");
  sys.file("bus/pci/drivers/igbvf/unbind", "");
  SysfsWriter writer(sys.root());

  SUBCASE("override, unbind, probe: the kernel's new driver link is checked") {
    std::string probe = sys.root() + "/bus/pci/drivers_probe";
    REQUIRE(::mkfifo(probe.c_str(), 0600) == 0);
    std::string probed;
    // The kernel: reads the address, binds it to the driver its driver_override names.
    std::thread kernel([&] {
      std::ifstream in(probe);
      std::getline(in, probed);
      std::string override = contentOf(sys, vf0 + "/driver_override");
      sys.remove(vf0 + "/driver");
      sys.link(vf0 + "/driver", "../../../../bus/pci/drivers/" + override);
    });
    Result<void> result = writer.bindDriver("0000:03:10.0", "vfio-pci");
    kernel.join();
    REQUIRE_MESSAGE(result.ok(), result.error().message);
    CHECK(contentOf(sys, vf0 + "/driver_override") == "vfio-pci");
    CHECK(contentOf(sys, "bus/pci/drivers/igbvf/unbind") == "0000:03:10.0");
    CHECK(probed == "0000:03:10.0");
  }
  SUBCASE("a driver that does not take the device is named, with what it is bound to") {
    sys.file("bus/pci/drivers_probe", "");
    Result<void> result = writer.bindDriver("0000:03:10.0", "vfio-pci");
    REQUIRE_FALSE(result.ok());
    // The fake tree keeps its igbvf link: as if the unbind had not worked.
    CHECK(result.error().message ==
          "cannot bind 0000:03:10.0 to vfio-pci: after drivers_probe it is bound to igbvf; the "
          "driver did not take it (see dmesg)");
    CHECK(contentOf(sys, "bus/pci/drivers_probe") == "0000:03:10.0");
  }
  SUBCASE("an unbound VF is not unbound first") {
    std::string vf1 = SysfsFixture::deviceDir("0000:03:10.2");
    sys.file(vf1 + "/driver_override", "(null)\n");
    sys.file("bus/pci/drivers_probe", "");
    Result<void> result = writer.bindDriver("0000:03:10.2", "vfio-pci");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message ==
          "cannot bind 0000:03:10.2 to vfio-pci: after drivers_probe it is bound to no driver; "
          "the driver did not take it (see dmesg)");
    CHECK(contentOf(sys, "bus/pci/drivers/igbvf/unbind") == "");
  }
  SUBCASE("already on the driver: only driver_override is written") {
    Result<void> result = writer.bindDriver("0000:03:10.0", "igbvf");
    REQUIRE_MESSAGE(result.ok(), result.error().message);
    CHECK(contentOf(sys, vf0 + "/driver_override") == "igbvf");
    CHECK(contentOf(sys, "bus/pci/drivers/igbvf/unbind") == "");
  }
  SUBCASE("a driver that is not loaded") {
    Result<void> result = writer.bindDriver("0000:03:10.0", "pci-stub");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message ==
          "cannot bind 0000:03:10.0 to pci-stub: the driver is not "
          "loaded (" +
              sys.root() +
              "/bus/pci/drivers/pci-stub does not exist; modprobe "
              "pci-stub)");
    CHECK(contentOf(sys, vf0 + "/driver_override") == "(null)\n");
  }
  SUBCASE("a device that does not exist") {
    Result<void> result = writer.bindDriver("0000:03:10.6", "vfio-pci");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message == "cannot bind 0000:03:10.6 to vfio-pci: no such PCI device (" +
                                        sys.root() +
                                        "/bus/pci/devices/0000:03:10.6 does not exist)");
  }
  SUBCASE("a device without driver_override (kernel before 3.16)") {
    sys.remove(vf0 + "/driver_override");
    Result<void> result = writer.bindDriver("0000:03:10.0", "vfio-pci");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message == "cannot bind 0000:03:10.0 to vfio-pci: cannot write " +
                                        sys.root() +
                                        "/bus/pci/devices/0000:03:10.0/driver_override: No "
                                        "such file or directory");
  }
}

}  // namespace
}  // namespace sriov::reconcile
