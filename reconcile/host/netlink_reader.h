// Reading a PF's link state and the PF-side settings of all its VFs through rtnetlink
// (libnl-route-3), one RTM_GETLINK request per PF.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "reconcile/host/netlink_handles.h"
#include "reconcile/observed_state.h"
#include "reconcile/result.h"

namespace sriov::reconcile {

// What netlink says about one PF netdev.
struct PfNetlink {
  bool linkUp = false;                // IFF_UP
  bool carrier = false;               // IFLA_CARRIER: the link is really there (cable, peer)
  std::map<unsigned, VfNetlink> vfs;  // by VF index, from IFLA_VFINFO_LIST
};

class NetlinkReader {
 public:
  // A route netlink socket in the calling thread's network namespace.
  static Result<NetlinkReader> open();

  // The link state of ifname and the settings of all its VFs, in one request: libnl 3.7's
  // rtnl_link_get_kernel() sends IFLA_EXT_MASK with RTEXT_FILTER_VF, without which the kernel
  // leaves IFLA_VFINFO_LIST out. Fails with "cannot read VF settings of IFNAME through
  // netlink: CAUSE".
  Result<PfNetlink> readPf(const std::string& ifname) const;

 private:
  explicit NetlinkReader(NlSocket socket);

  NlSocket socket_;
};

}  // namespace sriov::reconcile
