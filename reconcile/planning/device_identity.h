// Device identity, in one place: which address a spec's VF has after the plan, and whether an
// observed guest device is the one the spec means (same alias, same source, same VF) or the same
// device in the other definition (live vs config).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "reconcile/host_change.h"
#include "reconcile/observed_state.h"

namespace sriov::reconcile::planning {

// The PCI address VF index of pf will have after the plan ("" when pf's address is malformed).
std::string futureVfPci(const ObservedPf& pf, unsigned index);

// Every field libvirt would show differs: kind, source, mac, vlan (its form too), virtualport,
// managed.
bool sameDevice(const GuestDevice& a, const GuestDevice& b);
// The same source: a network interface by network and mac, any other device by its VF address.
bool sameSource(const GuestDevice& observed, const GuestDevice& want);
bool isInterface(const GuestDevice& d);

// An observed device matching want, not in taken: same alias, else the same source (a device
// attached by hand, or under another alias, is adopted rather than attached twice), else one of
// another kind on the same VF (the spec gives that VF in another form: it is replaced).
const GuestDevice* matchDevice(const std::vector<GuestDevice>& list, const GuestDevice& want,
                               const std::set<const GuestDevice*>& taken);

// Whether an observed network already is def (name, forward mode, managed, pool, vlan and its
// trunk form).
bool sameDefinition(const ObservedNetwork& observed, const NetworkDefinition& def);

// The same device in another list (live vs config): by alias, else by source.
const GuestDevice* findSame(const std::vector<GuestDevice>& list, const GuestDevice& d);

}  // namespace sriov::reconcile::planning
