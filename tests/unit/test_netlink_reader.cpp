// Tests of NetlinkReader against the real kernel, in a private network namespace of a helper
// thread (CLONE_NEWNET applies to the calling thread only), so the host's links are untouched.
// VF settings of a real SR-IOV card are tested in a VM (tests/e2e), not here.
#include <doctest/doctest.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include <cerrno>
#include <optional>
#include <string>

#include "reconcile/host/netlink_reader.h"
#include "tests/unit/netns_fixture.h"

namespace sriov::reconcile {
namespace {

using testing::addLink;
using testing::inPrivateNetns;
using testing::setUp;

TEST_CASE("NetlinkReader reads a link in a private network namespace") {
  std::optional<Result<PfNetlink>> down, up, missing;
  std::string failure = inPrivateNetns([&]() -> std::string {
    Result<NetlinkReader> reader = NetlinkReader::open();
    if (!reader) return reader.error().message;
    nl_sock* socket = nl_socket_alloc();
    nl_connect(socket, NETLINK_ROUTE);
    std::string problem;
    if (!addLink(socket, "sriovt0", problem).empty()) {
      down = reader->readPf("sriovt0");
      problem = setUp(socket, "sriovt0");
      up = reader->readPf("sriovt0");
    }
    missing = reader->readPf("eth3");
    nl_socket_free(socket);
    return problem;
  });
  REQUIRE_MESSAGE(failure.empty(), failure);

  SUBCASE("a new link is down and has no VFs") {
    REQUIRE(down.has_value());
    REQUIRE_MESSAGE(down->ok(), down->error().message);
    CHECK_FALSE((*down)->linkUp);
    CHECK((*down)->vfs.empty());
  }
  SUBCASE("set up, it reads as up") {
    REQUIRE(up.has_value());
    REQUIRE_MESSAGE(up->ok(), up->error().message);
    CHECK((*up)->linkUp);
    CHECK((*up)->vfs.empty());
  }
  SUBCASE("a missing interface is named with the cause") {
    REQUIRE(missing.has_value());
    REQUIRE_FALSE(missing->ok());
    CHECK(missing->error().message ==
          "cannot read VF settings of eth3 through netlink: No such device");
    CHECK(missing->error().code == ENODEV);
  }
}

TEST_CASE("NetlinkReader reads the loopback link of the test's own namespace") {
  Result<NetlinkReader> reader = NetlinkReader::open();
  REQUIRE(reader.ok());
  Result<PfNetlink> lo = reader->readPf("lo");
  REQUIRE_MESSAGE(lo.ok(), lo.error().message);
  CHECK(lo->vfs.empty());
}

}  // namespace
}  // namespace sriov::reconcile
