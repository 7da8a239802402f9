// The hot-plug capacity check: each device attached live to a running guest takes a free
// hot-pluggable PCI slot of it; with none left libvirt fails the attach ("No more available PCI
// slots") mid-apply, so a plan that needs more slots than the guest has is refused up front.
#pragma once

#include <vector>

#include "reconcile/observed_state.h"
#include "reconcile/plan.h"

namespace sriov::reconcile::planning {

// Per guest whose free slots are known (ObservedDomain::freeHotplugSlots): its live attaches
// and detaches in plan order, +1 and -1; an error finding when the peak exceeds the free slots.
// Guests whose free slots are unknown are not checked.
std::vector<Finding> hotplugCapacityFindings(const std::vector<Action>& actions,
                                             const ObservedState& observed);

}  // namespace sriov::reconcile::planning
