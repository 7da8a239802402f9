// LinuxHost::observe against the test daemon and the fake sysfs tree the daemon was shown.
#include <doctest/doctest.h>

#include "reconcile/host/linux_host.h"
#include "schema/pci_address.h"
#include "tests/integration/libvirt_world.h"

namespace sriov::reconcile {
namespace {

TEST_CASE("LinuxHost observes the fake PF and the daemon's networks and domains in one pass") {
  LinuxHostOptions options = integration::worldHostOptions();
  options.hostname = [] { return Result<std::string>(std::string("compute-01")); };
  Result<ObservedState> state = LinuxHost(options).observe();
  REQUIRE_MESSAGE(state.ok(), state.error().message);

  CHECK(state->hostname == "compute-01");
  CHECK(state->iommuEnabled);
  CHECK_FALSE(state->selinuxVirtUseSysfs.has_value());
  REQUIRE(state->pfs.size() == 1);
  const ObservedPf& pf = state->pfs[0];
  CHECK(pf.name == "eth3");
  CHECK(pf.pci == "0000:03:00.0");
  CHECK(pf.driver == "igb");
  CHECK(pf.vendorId == "0x8086");
  CHECK(pf.deviceId == "0x10c9");
  CHECK(pf.totalVfs == 7);
  CHECK(pf.numVfs == 3);
  CHECK(pf.vfOffset == 128);
  CHECK(pf.vfStride == 2);
  CHECK(pf.linkUp);
  CHECK(pf.iommuGroup == 12);
  REQUIRE(pf.vfs.size() == 3);
  CHECK(pf.vfs[0].pci == "0000:03:10.0");
  CHECK(pf.vfs[0].netdev == "eth4");
  CHECK(pf.vfs[0].driver == "igbvf");
  CHECK(pf.vfs[1].pci == "0000:03:10.2");
  CHECK(pf.vfs[1].netdev == "");
  CHECK(pf.vfs[1].driver == "vfio-pci");
  CHECK(pf.vfs[2].pci == "0000:03:10.4");
  CHECK(pf.vfs[2].driver == "");
  // Each VF address is the PF's plus offset + stride * index, as the kernel computes it.
  for (const ObservedVf& vf : pf.vfs) {
    std::optional<schema::PciAddress> base = schema::PciAddress::parse(pf.pci);
    REQUIRE(base.has_value());
    CHECK(base->plusRoutingId(pf.vfOffset + pf.vfStride * vf.index).str() == vf.pci);
  }

  CHECK(state->networks.size() == 4);
  CHECK(state->domains.size() == 5);
  CHECK(state->findNetwork("pool-pf") != nullptr);
  CHECK(state->findDomain("guest-running") != nullptr);
  CHECK(state->findPf("03:00.0") == &pf);
}

}  // namespace
}  // namespace sriov::reconcile
