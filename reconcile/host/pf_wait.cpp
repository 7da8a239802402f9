// waitForPfs: poll sysfs for the spec's PFs, with a deadline.
#include "reconcile/host/pf_wait.h"

#include <unistd.h>

#include <cerrno>
#include <thread>

namespace sriov::reconcile {
namespace {

bool present(const std::string& root, const WantedPf& pf) {
  std::string dir = !pf.name.empty() ? root + "/class/net/" + pf.name + "/device"
                                     : root + "/bus/pci/devices/" + pf.pci;
  return ::access((dir + "/sriov_totalvfs").c_str(), F_OK) == 0;
}

std::string label(const WantedPf& pf) {
  return pf.name.empty() ? pf.pci : pf.name;
}

}  // namespace

Result<void> waitForPfs(const std::string& root, const std::vector<WantedPf>& pfs,
                        std::chrono::milliseconds timeout, const std::atomic<bool>* stop,
                        const ProgressCallback& progress) {
  const auto begin = std::chrono::steady_clock::now();
  bool told = false;
  for (;;) {
    std::vector<const WantedPf*> missing;
    for (const WantedPf& pf : pfs)
      if (!present(root, pf)) missing.push_back(&pf);
    if (missing.empty()) return Result<void>();
    std::string names;
    for (const WantedPf* pf : missing)
      names += (names.empty() ? "" : ", ") + label(*pf) + " (" + pf->where + ")";
    const auto waited = std::chrono::steady_clock::now() - begin;
    if (waited >= timeout || (stop && stop->load())) {
      const long long seconds =
          std::chrono::duration_cast<std::chrono::milliseconds>(waited).count() / 1000;
      return Error{std::string(stop && stop->load() ? "interrupted" : "gave up") +
                       " waiting for the spec's PFs after " + std::to_string(seconds) +
                       " s (--wait-for-pfs); not on this host: " + names +
                       "; is the card present and its driver loaded (`lspci -nnk`, `ip link`)? "
                       "nothing was changed",
                   ENODEV};
    }
    if (!told && progress) {
      progress("waiting up to " +
               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
               " s for " + names);
      told = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace sriov::reconcile
