// The guest pass: for each observed domain, what the plan's PF and network changes do to it
// (detach and give back, restart, refuse) and what the spec asks of its devices and power state.
#pragma once

#include "reconcile/planning/plan_state.h"

namespace sriov::reconcile::planning {

// Reads in, pfs, nets; writes guests, releases, claims, drafts (its own, and a re-created PF's
// count to 0 waiting for the guest to let go), findings. Never the PF or network plans.
void planGuests(PlanState& s);

}  // namespace sriov::reconcile::planning
