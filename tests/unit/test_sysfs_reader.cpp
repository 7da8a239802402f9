// Tests of SysfsReader against fake sysfs trees laid out as the kernel makes them.
#include <doctest/doctest.h>

#include "reconcile/host/sysfs_reader.h"
#include "tests/unit/sysfs_fixture.h"

namespace sriov::reconcile {
namespace {

using testing::SysfsFixture;

Result<std::string> fixedHostname() {
  return std::string("compute-01");
}

// An Intel 82576 PF eth3 at 0000:03:00.0 with VF 0 on igbvf (netdev eth4) and VF 1 on
// vfio-pci (no netdev).
void igbWithTwoVfs(SysfsFixture& sys) {
  sys.pciDevice("0000:03:00.0", "0x8086", "0x10c9", "igb");
  sys.netdev("0000:03:00.0", "eth3", "0x1003");
  sys.sriov("0000:03:00.0", 7, 128, 2,
            {{"0000:03:10.0", "igbvf", "eth4"}, {"0000:03:10.2", "vfio-pci", ""}});
  sys.iommuGroup("0000:03:00.0", 12);
}

ObservedPf expectedIgb() {
  ObservedPf pf;
  pf.name = "eth3";
  pf.pci = "0000:03:00.0";
  pf.driver = "igb";
  pf.vendorId = "0x8086";
  pf.deviceId = "0x10c9";
  pf.totalVfs = 7;
  pf.numVfs = 2;
  pf.vfOffset = 128;
  pf.vfStride = 2;
  pf.linkUp = true;
  pf.iommuGroup = 12;
  ObservedVf vf0;
  vf0.index = 0;
  vf0.pci = "0000:03:10.0";
  vf0.netdev = "eth4";
  vf0.driver = "igbvf";
  ObservedVf vf1;
  vf1.index = 1;
  vf1.pci = "0000:03:10.2";
  vf1.driver = "vfio-pci";
  pf.vfs = {vf0, vf1};
  return pf;
}

TEST_CASE("SysfsReader reads PFs, VFs and host facts") {
  SysfsFixture sys;
  igbWithTwoVfs(sys);

  SUBCASE("a network PF with a netdev VF and a vfio-pci VF, found once through both paths") {
    sys.file("fs/selinux/booleans/virt_use_sysfs", "1 1\n");
    Result<ObservedState> state = SysfsReader(sys.root(), fixedHostname).read();
    REQUIRE(state.ok());
    CHECK(state->hostname == "compute-01");
    CHECK(state->iommuEnabled);
    CHECK(state->selinuxVirtUseSysfs == std::optional<bool>(true));
    REQUIRE(state->pfs.size() == 1);
    CHECK(state->pfs[0] == expectedIgb());
    CHECK(state->networks.empty());
    CHECK(state->domains.empty());
  }

  SUBCASE("SELinux boolean off, IOMMU off, no iommu_group, link down") {
    sys.file("fs/selinux/booleans/virt_use_sysfs", "0 0\n");
    sys.remove("kernel/iommu_groups");
    sys.remove(SysfsFixture::deviceDir("0000:03:00.0") + "/iommu_group");
    sys.file(SysfsFixture::deviceDir("0000:03:00.0") + "/net/eth3/flags", "0x1002\n");
    Result<ObservedState> state = SysfsReader(sys.root(), fixedHostname).read();
    REQUIRE(state.ok());
    CHECK_FALSE(state->iommuEnabled);
    CHECK(state->selinuxVirtUseSysfs == std::optional<bool>(false));
    REQUIRE(state->pfs.size() == 1);
    CHECK(state->pfs[0].iommuGroup == -1);
    CHECK_FALSE(state->pfs[0].linkUp);
  }

  SUBCASE("an empty iommu_groups folder means IOMMU off; no SELinux leaves the boolean unset") {
    sys.remove("kernel/iommu_groups/12");
    Result<ObservedState> state = SysfsReader(sys.root(), fixedHostname).read();
    REQUIRE(state.ok());
    CHECK_FALSE(state->iommuEnabled);
    CHECK_FALSE(state->selinuxVirtUseSysfs.has_value());
  }

  SUBCASE("a PF with 0 VFs and no driver") {
    sys.pciDevice("0000:05:00.0", "0x8086", "0x1521", "");
    sys.netdev("0000:05:00.0", "eno1", "0x1002");
    sys.sriov("0000:05:00.0", 8, 384, 4, {});
    Result<ObservedState> state = SysfsReader(sys.root(), fixedHostname).read();
    REQUIRE(state.ok());
    REQUIRE(state->pfs.size() == 2);
    const ObservedPf& pf = state->pfs[1];
    CHECK(pf.name == "eno1");
    CHECK(pf.pci == "0000:05:00.0");
    CHECK(pf.driver == "");
    CHECK(pf.deviceId == "0x1521");
    CHECK(pf.totalVfs == 8);
    CHECK(pf.numVfs == 0);
    CHECK(pf.vfOffset == 384);
    CHECK(pf.vfStride == 4);
    CHECK_FALSE(pf.linkUp);
    CHECK(pf.vfs.empty());
  }

  SUBCASE("a non-network PF (NVMe) is found through bus/pci/devices, sorted by PCI address") {
    sys.pciDevice("0000:01:00.0", "0x144d", "0xa824", "nvme");
    sys.sriov("0000:01:00.0", 32, 1, 1, {{"0000:01:00.1", "nvme", ""}});
    Result<ObservedState> state = SysfsReader(sys.root(), fixedHostname).read();
    REQUIRE(state.ok());
    REQUIRE(state->pfs.size() == 2);
    const ObservedPf& nvme = state->pfs[0];
    CHECK(nvme.name == "");
    CHECK(nvme.label() == "0000:01:00.0");
    CHECK(nvme.driver == "nvme");
    CHECK(nvme.vendorId == "0x144d");
    CHECK(nvme.totalVfs == 32);
    CHECK(nvme.numVfs == 1);
    CHECK_FALSE(nvme.linkUp);
    REQUIRE(nvme.vfs.size() == 1);
    CHECK(nvme.vfs[0].pci == "0000:01:00.1");
    CHECK(nvme.vfs[0].netdev == "");
    CHECK(nvme.vfs[0].driver == "nvme");
    CHECK(state->pfs[1].pci == "0000:03:00.0");
  }

  SUBCASE("VFs come in index order, virtfn10 after virtfn9") {
    std::vector<SysfsFixture::Vf> vfs;
    for (unsigned i = 0; i < 12; ++i)
      vfs.push_back(
          {"0000:06:" + std::string(i < 8 ? "10." : "11.") + std::to_string(i % 8), "", ""});
    sys.pciDevice("0000:06:00.0", "0x8086", "0x1528", "ixgbe");
    sys.sriov("0000:06:00.0", 63, 128, 1, vfs);
    Result<ObservedState> state = SysfsReader(sys.root(), fixedHostname).read();
    REQUIRE(state.ok());
    REQUIRE(state->pfs.size() == 2);
    const ObservedPf& pf = state->pfs[1];
    REQUIRE(pf.vfs.size() == 12);
    for (unsigned i = 0; i < 12; ++i) CHECK(pf.vfs[i].index == i);
    CHECK(pf.vfs[10].pci == "0000:06:11.2");
    CHECK(pf.vfs[10].driver == "");
  }

  SUBCASE("a PF whose netdev is only in its net/ folder still gets its name") {
    sys.remove("class/net/eth3");
    sys.link("class/net/eth3", "../../" + SysfsFixture::deviceDir("0000:03:00.0") + "/net/eth3");
    sys.remove(SysfsFixture::deviceDir("0000:03:00.0") + "/net/eth3/device");
    Result<ObservedState> state = SysfsReader(sys.root(), fixedHostname).read();
    REQUIRE(state.ok());
    REQUIRE(state->pfs.size() == 1);
    CHECK(state->pfs[0] == expectedIgb());
  }
}

TEST_CASE("SysfsReader names the file and the cause when it cannot read") {
  SysfsFixture sys;
  igbWithTwoVfs(sys);
  std::string pfDir = SysfsFixture::deviceDir("0000:03:00.0");

  SUBCASE("a missing sriov_numvfs") {
    sys.remove(pfDir + "/sriov_numvfs");
    Result<ObservedState> state = SysfsReader(sys.root(), fixedHostname).read();
    REQUIRE_FALSE(state.ok());
    CHECK(state.error().message == "cannot read " + sys.root() +
                                       "/class/net/eth3/device/sriov_numvfs: No such file or "
                                       "directory");
    CHECK(state.error().code == ENOENT);
  }

  SUBCASE("a read error (a folder where the file should be)") {
    // Tests run as root, where chmod 000 does not stop a read; read(2) on a folder fails.
    sys.remove(pfDir + "/sriov_numvfs");
    sys.dir(pfDir + "/sriov_numvfs");
    Result<ObservedState> state = SysfsReader(sys.root(), fixedHostname).read();
    REQUIRE_FALSE(state.ok());
    CHECK(state.error().message ==
          "cannot read " + sys.root() + "/class/net/eth3/device/sriov_numvfs: Is a directory");
    CHECK(state.error().code == EISDIR);
  }

  SUBCASE("a non-network PF's file is named by its bus/pci/devices path") {
    sys.pciDevice("0000:01:00.0", "0x144d", "0xa824", "nvme");
    sys.sriov("0000:01:00.0", 32, 1, 1, {});
    sys.remove(SysfsFixture::deviceDir("0000:01:00.0") + "/sriov_stride");
    Result<ObservedState> state = SysfsReader(sys.root(), fixedHostname).read();
    REQUIRE_FALSE(state.ok());
    CHECK(state.error().message == "cannot read " + sys.root() +
                                       "/bus/pci/devices/0000:01:00.0/sriov_stride: No such "
                                       "file or directory");
  }

  SUBCASE("a file that is not a number") {
    sys.file(pfDir + "/sriov_totalvfs", "seven\n");
    Result<ObservedState> state = SysfsReader(sys.root(), fixedHostname).read();
    REQUIRE_FALSE(state.ok());
    CHECK(state.error().message == "cannot parse " + sys.root() +
                                       "/class/net/eth3/device/sriov_totalvfs: expected a "
                                       "number, got \"seven\"");
  }

  SUBCASE("a missing vendor file") {
    sys.remove(pfDir + "/vendor");
    Result<ObservedState> state = SysfsReader(sys.root(), fixedHostname).read();
    REQUIRE_FALSE(state.ok());
    CHECK(state.error().message == "cannot read " + sys.root() +
                                       "/class/net/eth3/device/vendor: No such file or "
                                       "directory");
  }

  SUBCASE("a PF netdev without flags") {
    sys.remove(pfDir + "/net/eth3/flags");
    Result<ObservedState> state = SysfsReader(sys.root(), fixedHostname).read();
    REQUIRE_FALSE(state.ok());
    CHECK(state.error().message ==
          "cannot read " + sys.root() + "/class/net/eth3/flags: No such file or directory");
  }

  SUBCASE("no sysfs at the root") {
    Result<ObservedState> state = SysfsReader(sys.root() + "/nowhere", fixedHostname).read();
    REQUIRE_FALSE(state.ok());
    CHECK(state.error().message ==
          "cannot read " + sys.root() + "/nowhere/class/net: No such file or directory");
  }

  SUBCASE("a hostname that cannot be read") {
    HostnameSource failing = [] {
      return Result<std::string>(
          Error{"cannot read the hostname: "
                "Bad address",
                EFAULT});
    };
    Result<ObservedState> state = SysfsReader(sys.root(), failing).read();
    REQUIRE_FALSE(state.ok());
    CHECK(state.error().message == "cannot read the hostname: Bad address");
  }
}

TEST_CASE("systemHostname is gethostname") {
  Result<std::string> name = systemHostname();
  REQUIRE(name.ok());
  CHECK_FALSE(name->empty());
}

}  // namespace
}  // namespace sriov::reconcile
