// Retrying a VF tx rate until the PF's link is back and settled.
#include "reconcile/host/link_wait.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <thread>

#include "reconcile/host/duration_text.h"

namespace sriov::reconcile {
namespace {

Error because(const Error& error, const std::string& why) {
  return Error{error.message + " (" + why + ")", error.code};
}

}  // namespace

Result<void> setVfWaitingForLink(const VfChange& change, const std::string& pfName,
                                 const std::function<Result<void>()>& set,
                                 const std::function<Result<PfLink>()>& link, const LinkWait& wait,
                                 const std::function<void(std::chrono::milliseconds)>& sleep) {
  Result<void> last = set();
  bool rate = change.minTxRate || change.maxTxRate;
  if (last || !rate || last.error().code != EINVAL) return last;
  Result<PfLink> state = link();
  if (!state) return last;
  if (!state->adminUp)
    return because(last.error(), pfName +
                                     " is down; the driver refuses a VF tx rate without link: "
                                     "set it up");
  if (state->carrier && state->speedMbps && change.maxTxRate &&
      *change.maxTxRate > *state->speedMbps)
    return because(last.error(), "max_tx_rate " + std::to_string(*change.maxTxRate) + " is above " +
                                     pfName + "'s link speed, " +
                                     std::to_string(*state->speedMbps) + " Mb/s");
  spdlog::info("retry: {} refused a VF tx rate ({}carrier); trying again for up to {}", pfName,
               state->carrier ? "" : "no ", secondsText(wait.timeout));
  std::chrono::milliseconds waited{0};
  std::chrono::milliseconds withLink{0};  // how long the PF has had carrier without a break
  bool hadLink = false;
  while (waited < wait.timeout) {
    if (sleep)
      sleep(wait.interval);
    else
      std::this_thread::sleep_for(wait.interval);
    waited += wait.interval;
    state = link();
    if (!state) return last;
    if (!state->carrier) {
      withLink = std::chrono::milliseconds{0};
      continue;
    }
    hadLink = true;
    last = set();
    if (last)
      spdlog::info("retry: {} has carrier after {} ms; the VF tx rate is set", pfName,
                   waited.count());
    else
      spdlog::debug("retry: {} has carrier after {} ms; the VF tx rate is still refused: {}",
                    pfName, waited.count(), last.error().message);
    if (last || last.error().code != EINVAL) return last;
    withLink += wait.interval;
    if (withLink >= wait.settle)
      return because(last.error(), pfName + " has had link for " + secondsText(withLink) +
                                       " and still refuses it");
  }
  if (hadLink)
    return because(last.error(), pfName + "'s link did not stay up for " +
                                     secondsText(wait.settle) + " within " +
                                     secondsText(wait.timeout) +
                                     "; the driver refuses a VF tx rate without link");
  return because(last.error(), pfName + " has had no link for " + secondsText(wait.timeout) +
                                   "; the driver refuses a VF tx rate without link");
}

}  // namespace sriov::reconcile
