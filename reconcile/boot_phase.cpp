// Boot phases: the spec each phase converges and the refusals that keep a boot from disrupting.
#include "reconcile/boot_phase.h"

namespace sriov::reconcile {

const char* toString(Phase phase) {
  switch (phase) {
    case Phase::all:
      return "all";
    case Phase::host:
      return "host";
    case Phase::libvirt:
      return "libvirt";
  }
  return "?";
}

std::optional<Phase> parsePhase(const std::string& text) {
  for (Phase p : {Phase::all, Phase::host, Phase::libvirt})
    if (text == toString(p)) return p;
  return std::nullopt;
}

schema::Spec specForPhase(const schema::Spec& spec, Phase phase) {
  schema::Spec out = spec;
  if (phase == Phase::host) {
    out.networks.clear();
    out.guests.clear();
  }
  return out;
}

std::vector<Finding> phaseFindings(const std::vector<Action>& actions,
                                   const ObservedState& observed, Phase phase) {
  std::vector<Finding> findings;
  if (phase == Phase::all) return findings;
  const std::string why = std::string("--phase ") + toString(phase) + " is for the boot";
  if (phase == Phase::host && !actions.empty() && !observed.libvirtActive.empty()) {
    std::string names;
    for (const std::string& n : observed.libvirtActive) names += (names.empty() ? "" : ", ") + n;
    findings.push_back({FindingSeverity::error, "host",
                        why + ", before libvirt starts, but libvirt already runs " + names + " (" +
                            kLibvirtRuntimeDir +
                            "): run `sriov-apply apply SPEC` without --phase to change this "
                            "host with its guests in view"});
  }
  for (const Action& a : actions) {
    bool detachesLive = a.kind == ActionKind::detachDevice && a.scope.live;
    if (!detachesLive && a.kind != ActionKind::shutdownGuest) continue;
    findings.push_back(
        {FindingSeverity::error, a.target,
         "action " + std::to_string(a.id) + " (" + toString(a.kind) + ") would " +
             (detachesLive ? "detach a device from the running guest " : "shut down the guest ") +
             a.name + "; " + why +
             " and never disrupts a guest: run `sriov-apply apply SPEC` without --phase to "
             "allow it"});
  }
  return findings;
}

}  // namespace sriov::reconcile
