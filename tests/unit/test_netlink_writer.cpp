// Tests of LinuxHost's netlink writes against the real kernel, in a private network namespace
// with a device-less link (ifb or dummy) as the PF netdev of a fake sysfs tree. Such a link
// has no VFs: the kernel refuses every VF setting, which is the error path tested here. A VF
// setting that succeeds needs a real SR-IOV card (tier 3, tests/e2e).
#include <doctest/doctest.h>
#include <netlink/netlink.h>

#include <cerrno>
#include <optional>
#include <string>

#include "reconcile/host/linux_host.h"
#include "reconcile/host/netlink_reader.h"
#include "reconcile/host/netlink_writer.h"
#include "tests/unit/netns_fixture.h"
#include "tests/unit/sysfs_fixture.h"

namespace sriov::reconcile {
namespace {

using testing::SysfsFixture;

// What each call returned, gathered inside the namespace.
struct Outcomes {
  std::string kind;  // of the test link
  std::optional<Result<void>> linkState, several, noSuchVf, noNetdev, empty, up, badIndex, rate;
  std::optional<Result<PfNetlink>> beforeUp, afterUp;
};

TEST_CASE("LinuxHost::setVf and setLinkUp in a private network namespace") {
  SysfsFixture sys;
  Outcomes out;
  std::string failure = testing::inPrivateNetns([&]() -> std::string {
    nl_sock* socket = nl_socket_alloc();
    nl_connect(socket, NETLINK_ROUTE);
    std::string problem;
    out.kind = testing::addLink(socket, "sriovt0", problem);
    nl_socket_free(socket);
    if (out.kind.empty()) return problem;

    // The tree: PF 0000:03:00.0 with netdev sriovt0 on the link's own driver, one VF link.
    sys.pciDevice("0000:03:00.0", "0x8086", "0x10c9", out.kind);
    sys.netdev("0000:03:00.0", "sriovt0", "0x1002");
    sys.sriov("0000:03:00.0", 7, 128, 2, {{"0000:03:10.0", "", ""}});
    sys.pciDevice("0000:05:00.0", "0x144d", "0xa824", "nvme");
    LinuxHostOptions options;
    options.sysfsRoot = sys.root();
    LinuxHost host(options);

    VfChange linkState;
    linkState.linkState = LinkState::enable;
    out.linkState = host.setVf("0000:03:00.0", 0, linkState);
    VfChange several;
    several.mac = "02:00:00:00:10:00";
    several.vlan = 42;
    several.qos = 0;
    several.trust = true;
    out.several = host.setVf("0000:03:00.0", 0, several);
    out.noSuchVf = host.setVf("0000:03:00.0", 3, linkState);
    out.noNetdev = host.setVf("0000:05:00.0", 0, linkState);
    out.empty = host.setVf("0000:03:00.0", 0, VfChange{});
    // The kernel itself answers EINVAL for a VF index of INT_MAX (do_setvfinfo), before any
    // driver is asked: libnl's NLE_INVAL must come back as errno EINVAL.
    Result<NetlinkWriter> writer = NetlinkWriter::open();
    if (!writer) return writer.error().message;
    VfChange mac;
    mac.mac = "02:00:00:00:10:00";
    out.badIndex = writer->setVf("sriovt0", out.kind, 2147483647u, mac);
    // A tx rate refused for a reason other than the link (no such ndo: EOPNOTSUPP) fails at
    // once; the PF is down here, which is not waited for either.
    VfChange rate;
    rate.maxTxRate = 100;
    out.rate = host.setVf("0000:03:00.0", 0, rate);
    {
      Result<NetlinkReader> reader = NetlinkReader::open();
      if (!reader) return reader.error().message;
      out.beforeUp = reader->readPf("sriovt0");
    }
    out.up = host.setLink("0000:03:00.0", sriov::reconcile::Link::up);
    Result<NetlinkReader> reader = NetlinkReader::open();
    if (!reader) return reader.error().message;
    out.afterUp = reader->readPf("sriovt0");
    return "";
  });
  REQUIRE_MESSAGE(failure.empty(), failure);

  SUBCASE("a setting the driver does not support names the setting, the VF, the PF, the driver") {
    REQUIRE(out.linkState.has_value());
    REQUIRE_FALSE(out.linkState->ok());
    CHECK(out.linkState->error().message ==
          "cannot set link state of VF 0 of sriovt0: Operation "
          "not supported by the driver (" +
              out.kind + ")");
    CHECK(out.linkState->error().code == EOPNOTSUPP);
  }
  SUBCASE("of several settings in one request, the first refused one is named") {
    REQUIRE(out.several.has_value());
    REQUIRE_FALSE(out.several->ok());
    CHECK(out.several->error().message ==
          "cannot set MAC of VF 0 of sriovt0: Operation not supported by the driver (" + out.kind +
              ")");
  }
  SUBCASE("a VF the PF does not have") {
    REQUIRE(out.noSuchVf.has_value());
    REQUIRE_FALSE(out.noSuchVf->ok());
    CHECK(out.noSuchVf->error().message ==
          "cannot set VF 3 of sriovt0: the PF has no such VF (" + sys.root() +
              "/bus/pci/devices/0000:03:00.0/virtfn3 does not exist)");
  }
  SUBCASE("a PF without a netdev") {
    REQUIRE(out.noNetdev.has_value());
    REQUIRE_FALSE(out.noNetdev->ok());
    CHECK(out.noNetdev->error().message ==
          "cannot set VF 0 of 0000:05:00.0: the PF has no netdev (VF settings go through a "
          "network PF)");
  }
  SUBCASE("an empty change sends nothing") {
    REQUIRE(out.empty.has_value());
    CHECK(out.empty->ok());
  }
  SUBCASE("setLinkUp sets IFF_UP, as the kernel then reports, with the carrier") {
    REQUIRE(out.up.has_value());
    CHECK_MESSAGE(out.up->ok(), out.up->error().message);
    REQUIRE(out.beforeUp.has_value());
    REQUIRE_MESSAGE(out.beforeUp->ok(), out.beforeUp->error().message);
    CHECK_FALSE((*out.beforeUp)->linkUp);
    REQUIRE(out.afterUp.has_value());
    REQUIRE_MESSAGE(out.afterUp->ok(), out.afterUp->error().message);
    CHECK((*out.afterUp)->linkUp);
    CHECK((*out.afterUp)->carrier);  // dummy and ifb have carrier (even before they are up)
  }
  SUBCASE("the kernel's EINVAL comes back as errno EINVAL, not libnl's code") {
    REQUIRE(out.badIndex.has_value());
    REQUIRE_FALSE(out.badIndex->ok());
    CHECK(out.badIndex->error().code == EINVAL);
    CHECK(out.badIndex->error().message ==
          "cannot set MAC of VF 2147483647 of sriovt0: Invalid input data or parameter");
  }
  SUBCASE("a tx rate the driver cannot set fails at once") {
    REQUIRE(out.rate.has_value());
    REQUIRE_FALSE(out.rate->ok());
    CHECK(out.rate->error().code == EOPNOTSUPP);
    CHECK(out.rate->error().message ==
          "cannot set tx rate of VF 0 of sriovt0: Operation not supported by the driver (" +
              out.kind + ")");
  }
}

}  // namespace
}  // namespace sriov::reconcile
