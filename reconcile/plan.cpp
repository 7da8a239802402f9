// Names of action kinds and disruption levels, and plan summaries.
#include "reconcile/plan.h"

#include <algorithm>

namespace sriov::reconcile {

const char* toString(ActionKind kind) {
  switch (kind) {
    case ActionKind::setNumVfs:
      return "set-numvfs";
    case ActionKind::setVf:
      return "set-vf";
    case ActionKind::bindVfDriver:
      return "bind-vf-driver";
    case ActionKind::setLinkUp:
      return "set-link-up";
    case ActionKind::defineNetwork:
      return "define-network";
    case ActionKind::startNetwork:
      return "start-network";
    case ActionKind::stopNetwork:
      return "stop-network";
    case ActionKind::undefineNetwork:
      return "undefine-network";
    case ActionKind::setNetworkAutostart:
      return "set-network-autostart";
    case ActionKind::attachDevice:
      return "attach-device";
    case ActionKind::detachDevice:
      return "detach-device";
    case ActionKind::updateDevice:
      return "update-device";
    case ActionKind::shutdownGuest:
      return "shutdown-guest";
    case ActionKind::startGuest:
      return "start-guest";
    case ActionKind::writePersistence:
      return "write-persistence";
  }
  return "?";
}

const char* toString(Disruption level) {
  switch (level) {
    case Disruption::none:
      return "none";
    case Disruption::attribute:
      return "attribute";
    case Disruption::link:
      return "link";
    case Disruption::detach:
      return "detach";
    case Disruption::restart:
      return "restart";
    case Disruption::recreate:
      return "recreate";
  }
  return "?";
}

std::optional<Disruption> parseDisruption(const std::string& text) {
  for (Disruption d : {Disruption::none, Disruption::attribute, Disruption::link,
                       Disruption::detach, Disruption::restart, Disruption::recreate})
    if (text == toString(d)) return d;
  return std::nullopt;
}

bool Plan::refused() const {
  return std::any_of(preflight.begin(), preflight.end(),
                     [](const Finding& f) { return f.severity == FindingSeverity::error; });
}

Disruption Plan::highest() const {
  Disruption out = Disruption::none;
  for (const Action& a : actions) out = std::max(out, a.disruption);
  return out;
}

size_t Plan::disruptiveCount() const {
  return static_cast<size_t>(std::count_if(actions.begin(), actions.end(), [](const Action& a) {
    return a.disruption != Disruption::none;
  }));
}

}  // namespace sriov::reconcile
