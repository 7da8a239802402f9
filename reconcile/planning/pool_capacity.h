// The pool-capacity check: libvirt hands each interface of a running guest its own VF of the
// pool, and a VF of the pool given to a guest directly is not free either: a pool with fewer VFs
// than that cannot serve them all (the attach or the start fails).
#pragma once

#include "reconcile/planning/plan_state.h"

namespace sriov::reconcile::planning {

// Reads in, pfs, nets.plans, guests (spec, kept); writes findings.
void checkPoolCapacity(PlanState& s);

}  // namespace sriov::reconcile::planning
