// Retrying a VF tx rate once the PF has its link again.
#include "reconcile/host/link_wait.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <thread>

#include "reconcile/host/duration_text.h"

namespace sriov::reconcile {

Result<void> setVfWaitingForLink(const VfChange& change, const std::string& pfName,
                                 const std::function<Result<void>()>& set,
                                 const std::function<Result<PfLink>()>& link, const LinkWait& wait,
                                 const std::function<void(std::chrono::milliseconds)>& sleep) {
  Result<void> first = set();
  bool rate = change.minTxRate || change.maxTxRate;
  if (first || !rate || first.error().code != EINVAL) return first;
  Result<PfLink> state = link();
  if (!state || state->carrier) return first;  // the link is there: EINVAL means something else
  const std::string& message = first.error().message;
  spdlog::info("retry: {} refused a VF tx rate while it has no carrier; waiting up to {} for link",
               pfName, secondsText(wait.timeout));
  if (!state->adminUp)
    return Error{message + " (" + pfName +
                     " is down; the driver refuses a VF tx rate without link: set it up)",
                 EINVAL};
  std::chrono::milliseconds waited{0};
  while (waited < wait.timeout) {
    if (sleep)
      sleep(wait.interval);
    else
      std::this_thread::sleep_for(wait.interval);
    waited += wait.interval;
    state = link();
    if (!state) return first;
    spdlog::info("retry: {} has {}carrier after {} ms; {} the VF tx rate", pfName,
                 state->carrier ? "" : "no ", waited.count(),
                 state->carrier ? "setting" : "still waiting to set");
    if (state->carrier) return set();
  }
  return Error{message + " (" + pfName + " has had no link for " + secondsText(wait.timeout) +
                   "; the driver refuses a VF tx rate without link)",
               EINVAL};
}

}  // namespace sriov::reconcile
