// Frees libnl objects and opens route netlink sockets, turning libnl failures into Error values.
#include "reconcile/host/netlink_handles.h"

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/sriov.h>

#include <cerrno>
#include <string>

namespace sriov::reconcile {

void NlSocketDeleter::operator()(nl_sock* socket) const {
  nl_socket_free(socket);
}

void LinkDeleter::operator()(rtnl_link* link) const {
  rtnl_link_put(link);
}

void VfDeleter::operator()(rtnl_link_vf* vf) const {
  rtnl_link_vf_put(vf);
}

Result<NlSocket> openRouteSocket() {
  NlSocket socket(nl_socket_alloc());
  if (!socket) return Error{"cannot open a route netlink socket: Out of memory", ENOMEM};
  int err = nl_connect(socket.get(), NETLINK_ROUTE);
  if (err < 0)
    return Error{std::string("cannot open a route netlink socket: ") + nl_geterror(err), -err};
  return socket;
}

}  // namespace sriov::reconcile
