// Setting a VF's tx rate on a PF whose link is still coming up.
//
// igb refuses a VF rate with EINVAL while the PF has no link (igb_ndo_set_vf_bw checks the
// link-up bit of the STATUS register, and the link speed the rate must not exceed). The PF's
// link goes away for a while (1-2 s with an 82576) whenever its VFs are enabled or disabled
// (the PF resets) and after it is set up. So a rate set right after set-numvfs or set-link-up
// fails although nothing is wrong. The carrier the kernel reports lags the register: igb's
// watchdog (every 2 s, or on a link interrupt) turns it off and on, so a PF may still report
// carrier while the driver already refuses the rate (seen at boot, tests/e2e 13). So such a
// change is retried until the PF has had carrier for a settle time; a rate above the link speed,
// any other failure, and a change without a rate fail at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "reconcile/host/host.h"
#include "reconcile/result.h"

namespace sriov::reconcile {

struct PfLink {
  bool adminUp = false;                    // IFF_UP
  bool carrier = false;                    // IFLA_CARRIER
  std::optional<std::uint32_t> speedMbps;  // the netdev's speed file; nullopt when unknown
};

struct LinkWait {
  std::chrono::milliseconds timeout{15000};  // how long to wait in all
  std::chrono::milliseconds settle{4000};    // how long the PF may have carrier and still refuse
  std::chrono::milliseconds interval{100};   // how often to look
};

// Runs set (the netlink request for change). When it fails with EINVAL, the change has a tx
// rate and the PF (named pfName in messages) is administratively up, looks at link() every
// interval and runs set again each time the PF has carrier, until set succeeds or fails
// otherwise. It gives up with set's error followed by why:
//  - "(enp1s0 has had no link for 15 s; the driver refuses a VF tx rate without link)" when the
//    PF never had carrier within timeout;
//  - "(enp1s0 has had link for 4 s and still refuses it)" when it had carrier for settle;
//  - "(enp1s0 is down; the driver refuses a VF tx rate without link: set it up)" at once for a PF
//    that is down;
//  - "(max_tx_rate 5000 is above enp1s0's link speed, 1000 Mb/s)" at once for a rate above a
//    known speed while the PF has carrier.
// sleep is for tests.
Result<void> setVfWaitingForLink(
    const VfChange& change, const std::string& pfName, const std::function<Result<void>()>& set,
    const std::function<Result<PfLink>()>& link, const LinkWait& wait,
    const std::function<void(std::chrono::milliseconds)>& sleep = nullptr);

}  // namespace sriov::reconcile
