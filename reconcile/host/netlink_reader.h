// Reading a PF's link state and the PF-side settings of all its VFs through rtnetlink
// (libnl-route-3), one RTM_GETLINK request per PF.
#pragma once

#include <cstddef>
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
  std::size_t answerBytes = 0;        // the kernel's RTM_NEWLINK answer (figures, tests)
};

// The PF in one RTM_NEWLINK answer (message: an nlmsghdr of length bytes). The VF list is
// counted against IFLA_NUM_VF before libnl parses the message: a list over 64 KiB has a
// wrapped 16-bit length, and libnl then reads the rest of it as top-level attributes, which
// may fail or not depending on the VFs' settings. So such an answer always fails with
// "cannot read VF settings of IFNAME through netlink: the kernel's answer lists L of N VFs ...".
Result<PfNetlink> parseLinkAnswer(const std::string& ifname, const void* message,
                                  std::size_t length);

class NetlinkReader {
 public:
  // A route netlink socket in the calling thread's network namespace.
  static Result<NetlinkReader> open();

  // The link state of ifname and the settings of all its VFs, in one request with IFLA_EXT_MASK
  // RTEXT_FILTER_VF (without which the kernel leaves IFLA_VFINFO_LIST out) and
  // RTEXT_FILTER_SKIP_STATS (a 256-VF list then fits netlink's 64 KiB attribute). Fails with
  // "cannot read VF settings of IFNAME through netlink: CAUSE", also when the answer lists
  // fewer VFs than IFLA_NUM_VF says (parseLinkAnswer): a list over 64 KiB, more than 334 VFs
  // without statistics, which the kernel (6.1 seen in tests/e2e 18-netdevsim; later sources
  // close the nest the same way) cannot send whole, and no other request returns VF settings.
  Result<PfNetlink> readPf(const std::string& ifname) const;

 private:
  explicit NetlinkReader(NlSocket socket);

  NlSocket socket_;
};

}  // namespace sriov::reconcile
