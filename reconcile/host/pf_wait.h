// Waiting at boot for a spec's PFs to appear in sysfs: their drivers may still be probing when
// the boot unit starts, and a card that is absent must fail the boot unit in bounded time.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "reconcile/host/vf_settle.h"
#include "reconcile/result.h"

namespace sriov::reconcile {

// A PF the spec names: by netdev name (class/net/NAME) or PCI address (bus/pci/devices/ADDR);
// it is there once its sriov_totalvfs file is. where: "host.yaml:4:5", for the error.
struct WantedPf {
  std::string name;
  std::string pci;
  std::string where;
};

// Polls sysfs under root every 100 ms until every PF is there, timeout passes (an error naming
// each missing PF, exit 1 for the caller) or stop is set. Reads only; progress hears one line
// when it has to wait.
Result<void> waitForPfs(const std::string& root, const std::vector<WantedPf>& pfs,
                        std::chrono::milliseconds timeout, const std::atomic<bool>* stop,
                        const ProgressCallback& progress);

}  // namespace sriov::reconcile
