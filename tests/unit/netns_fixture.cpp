// Private network namespaces and device-less links for the netlink tests.
#include "tests/unit/netns_fixture.h"

#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace sriov::testing {

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

std::string addLink(nl_sock* socket, const std::string& name, std::string& problem) {
  std::string errors;
  for (const char* kind : {"dummy", "ifb"}) {
    rtnl_link* link = rtnl_link_alloc();
    rtnl_link_set_name(link, name.c_str());
    int err = rtnl_link_set_type(link, kind);
    if (err == 0) err = rtnl_link_add(socket, link, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_put(link);
    if (err == 0) return kind;
    errors += std::string(kind) + ": " + nl_geterror(err) + "; ";
  }
  problem = "cannot create a test link: " + errors;
  return "";
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

}  // namespace sriov::testing
