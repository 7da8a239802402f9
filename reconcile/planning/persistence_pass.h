// The persistence pass: the udev rules file that re-creates the VF counts at boot.
#pragma once

#include "reconcile/planning/plan_state.h"

namespace sriov::reconcile::planning {

// Writes (or, with removePersistence, removes) options.persistFile after the counts change.
// Reads in, pfs.list; writes drafts.
void planPersistence(PlanState& s);

}  // namespace sriov::reconcile::planning
