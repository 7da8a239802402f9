// Action factories: every kind of action the planner drafts, built in one place with its target
// form ("pf/NAME", "vf/NAME/I", "network/NAME", "guest/NAME[/DEVICE]", "filePATH"), its from/to
// text and the fields the executor hands to the Host.
#pragma once

#include <optional>
#include <string>

#include "reconcile/observed_state.h"
#include "reconcile/plan.h"

namespace sriov::reconcile::planning {

using OptText = std::optional<std::string>;

std::string vfTarget(const ObservedPf& pf, unsigned index);  // "vf/enp3s0f0/2"

// sriov_numvfs from -> to on pf.
Action setNumVfs(const ObservedPf& pf, unsigned from, unsigned to, Disruption disruption,
                 std::string reason);
// pf's link to up or down (from its observed state).
Action setLinkUp(const ObservedPf& pf, bool up, std::string reason);
// VF index of pf gets change; before is what it replaces (unset for a new VF), shown as from.
Action setVf(const ObservedPf& pf, unsigned index, const VfChange& change,
             std::optional<VfChange> before, Disruption disruption, std::string reason);
// VF index of pf (at vfPci) is bound to driver.
Action bindVfDriver(const ObservedPf& pf, unsigned index, const std::string& vfPci, OptText from,
                    const std::string& driver, Disruption disruption, std::string reason);

// One action on network name; the fields every kind of network action shares.
Action networkAction(ActionKind kind, const std::string& name, OptText from, OptText to,
                     Disruption disruption, std::string reason);
// (Re)defines def with sriov-apply's mark; from describes the observed network, if any.
Action defineNetwork(const NetworkDefinition& def, OptText from, std::string reason);
Action setNetworkAutostart(const std::string& name, bool now, bool want);

// attachDevice, detachDevice or updateDevice of dev on guest (detach shows dev as from; the
// others as to).
Action deviceAction(ActionKind kind, const std::string& guest, const GuestDevice& dev,
                    DeviceScope scope, std::string reason);
// updateDevice of a shut-off guest's interface: now (as observed) becomes want, in place.
Action updateDevice(const std::string& guest, const GuestDevice& now, const GuestDevice& want,
                    std::string reason);
Action shutdownGuest(const ObservedDomain& dom, std::string reason);
Action startGuest(const ObservedDomain& dom, std::string reason);

// Writes content to path (the udev rules file); an empty content with no to removes it.
Action writePersistence(const std::string& path, OptText from, OptText to, std::string content,
                        std::string reason);

}  // namespace sriov::reconcile::planning
