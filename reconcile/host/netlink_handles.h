// Owned libnl objects (a route netlink socket, links, VFs), shared by the netlink reader and
// writer.
#pragma once

#include <memory>

#include "reconcile/result.h"

struct nl_sock;
struct rtnl_link;
struct rtnl_link_vf;

namespace sriov::reconcile {

struct NlSocketDeleter {
  void operator()(nl_sock* socket) const;
};
using NlSocket = std::unique_ptr<nl_sock, NlSocketDeleter>;

struct LinkDeleter {
  void operator()(rtnl_link* link) const;
};
using LinkHandle = std::unique_ptr<rtnl_link, LinkDeleter>;

struct VfDeleter {
  void operator()(rtnl_link_vf* vf) const;
};
using VfHandle = std::unique_ptr<rtnl_link_vf, VfDeleter>;

// A route netlink socket in the calling thread's network namespace. Fails with
// "cannot open a route netlink socket: CAUSE".
Result<NlSocket> openRouteSocket();

}  // namespace sriov::reconcile
