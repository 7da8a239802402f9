// The VF-conflict check: a VF the spec gives to a guest must not stay in another guest's
// configuration, and a host-side mac or vlan must not fight libvirt over a VF a guest or a pool
// the spec does not describe keeps. Also makes each attach wait for the detaches of its VF.
#pragma once

#include "reconcile/planning/plan_state.h"

namespace sriov::reconcile::planning {

// Reads in, pfs, releases, claims, guests.spec; writes findings, drafts (attach after detach).
void checkConflicts(PlanState& s);

}  // namespace sriov::reconcile::planning
