// Changing a PF's VF settings and its IFF_UP through rtnetlink (libnl-route-3).
#pragma once

#include <string>

#include "reconcile/host/host.h"
#include "reconcile/host/netlink_handles.h"
#include "reconcile/result.h"

namespace sriov::reconcile {

class NetlinkWriter {
 public:
  // A route netlink socket in the calling thread's network namespace.
  static Result<NetlinkWriter> open();

  // Sends the set fields of change for VF index of the PF netdev ifname in one RTM_NEWLINK
  // request (IFLA_VFINFO_LIST with one IFLA_VF_INFO): MAC, VLAN with QoS (IFLA_VF_VLAN),
  // min and max rate together (IFLA_VF_RATE), spoof check, link state, trust. No field set:
  // nothing is sent.
  //
  // The kernel applies the attributes in that order and stops at the first one that fails,
  // without saying which. So when a request with several settings fails, each setting is
  // sent alone, in the same order, to find the one the driver refuses (re-sending the ones
  // already applied changes nothing). The error names the setting, the VF and the PF, and
  // for EOPNOTSUPP the PF's driver (pfDriver):
  //   "cannot set link state of VF 0 of enp1s0: Operation not supported by the driver (igb)"
  // Error::code is the errno (EINVAL, EOPNOTSUPP, ...) behind libnl's code.
  Result<void> setVf(const std::string& ifname, const std::string& pfDriver, unsigned index,
                     const VfChange& change) const;

  // Sets IFF_UP on ifname ("ip link set IFNAME up"). Fails with "cannot set IFNAME up: CAUSE".
  Result<void> setLink(const std::string& ifname, Link state) const;

 private:
  explicit NetlinkWriter(NlSocket socket);

  NlSocket socket_;
};

}  // namespace sriov::reconcile
