// Tests of NetlinkReader against the real kernel, in a private network namespace of a helper
// thread (CLONE_NEWNET applies to the calling thread only), so the host's links are untouched.
// VF settings of a real SR-IOV card are tested in a VM (tests/e2e), not here.
#include <doctest/doctest.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "reconcile/host/netlink_reader.h"

namespace sriov::reconcile {
namespace {

// Runs body in a thread that first moved into a new network namespace; returns what went
// wrong before body could run, or an empty string.
std::string inPrivateNetns(const std::function<std::string()>& body) {
  std::string failure;
  std::thread thread([&] {
    if (::unshare(CLONE_NEWNET) != 0) {
      failure = std::string("unshare(CLONE_NEWNET) (needs root): ") + std::strerror(errno);
      return;
    }
    failure = body();
  });
  thread.join();
  return failure;
}

// Creates a link without a device behind it: "dummy" where the kernel has it, else "ifb"
// (the kernel of the machines this project is developed on has no dummy driver).
std::string addLink(nl_sock* socket, const std::string& name) {
  std::string errors;
  for (const char* kind : {"dummy", "ifb"}) {
    rtnl_link* link = rtnl_link_alloc();
    rtnl_link_set_name(link, name.c_str());
    int err = rtnl_link_set_type(link, kind);
    if (err == 0) err = rtnl_link_add(socket, link, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_put(link);
    if (err == 0) return "";
    errors += std::string(kind) + ": " + nl_geterror(err) + "; ";
  }
  return "cannot create a test link: " + errors;
}

std::string setUp(nl_sock* socket, const std::string& name) {
  rtnl_link* current = nullptr;
  int err = rtnl_link_get_kernel(socket, 0, name.c_str(), &current);
  if (err < 0) return std::string("cannot find the test link: ") + nl_geterror(err);
  rtnl_link* change = rtnl_link_alloc();
  rtnl_link_set_flags(change, IFF_UP);
  err = rtnl_link_change(socket, current, change, 0);
  rtnl_link_put(change);
  rtnl_link_put(current);
  if (err < 0) return std::string("cannot set the test link up: ") + nl_geterror(err);
  return "";
}

TEST_CASE("NetlinkReader reads a link in a private network namespace") {
  std::optional<Result<PfNetlink>> down, up, missing;
  std::string failure = inPrivateNetns([&]() -> std::string {
    Result<NetlinkReader> reader = NetlinkReader::open();
    if (!reader) return reader.error().message;
    nl_sock* socket = nl_socket_alloc();
    nl_connect(socket, NETLINK_ROUTE);
    std::string problem = addLink(socket, "sriovt0");
    if (problem.empty()) {
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
