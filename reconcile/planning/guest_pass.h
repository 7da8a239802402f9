// The guest pass: for each observed domain, what the plan's PF and network changes do to it
// (detach and give back, restart, refuse) and what the spec asks of its devices and power state.
#pragma once

#include "reconcile/planning/plan_state.h"

namespace sriov::reconcile::planning {

// Reads in, pfs, nets (plans, stopped); writes guests, releases, claims, nets (plans' users,
// attaches, starters), pfs.list (pre), drafts, findings.
void planGuests(PlanState& s);

}  // namespace sriov::reconcile::planning
