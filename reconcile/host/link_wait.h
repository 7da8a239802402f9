// Setting a VF's tx rate on a PF whose link is still coming up.
//
// igb refuses a VF rate with EINVAL while the PF has no link (igb_ndo_set_vf_bw checks the
// link-up bit of the STATUS register, and the link speed the rate must not exceed). The PF's
// link goes away for a while (1-2 s with an 82576) whenever its VFs are enabled or disabled
// (the PF resets) and after it is set up. So a rate set right after set-numvfs or set-link-up
// fails although nothing is wrong. setVfWaitingForLink retries such a change once the PF has
// carrier again, bounded by a timeout; any other failure, and a failure while the PF has its
// link, is returned at once.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "reconcile/host/host.h"
#include "reconcile/result.h"

namespace sriov::reconcile {

struct PfLink {
  bool adminUp = false;  // IFF_UP
  bool carrier = false;  // IFLA_CARRIER
};

struct LinkWait {
  std::chrono::milliseconds timeout{15000};  // how long to wait for carrier
  std::chrono::milliseconds interval{100};   // how often to look
};

// Runs set (the netlink request for change); when it fails with EINVAL, the change has a tx
// rate, the PF (named pfName in messages) is administratively up and link() says it has no
// carrier, waits until it has (looking every interval, at most timeout) and runs set again.
// Without carrier by then, fails with set's error followed by "(enp1s0 has had no link for
// 15 s; the driver refuses a VF tx rate without link)". A PF that is down gets "(enp1s0 is
// down; the driver refuses a VF tx rate without link: set it up)". sleep is for tests.
Result<void> setVfWaitingForLink(
    const VfChange& change, const std::string& pfName, const std::function<Result<void>()>& set,
    const std::function<Result<PfLink>()>& link, const LinkWait& wait,
    const std::function<void(std::chrono::milliseconds)>& sleep = nullptr);

}  // namespace sriov::reconcile
