// The drivers-after-release pass: libvirt binds a VF it gives a guest (managed) to vfio-pci, and
// gives it back to its host driver when the guest lets go. A VF the spec binds to a driver,
// which a guest lets go of during the plan and nobody takes again, is bound once it is free.
#pragma once

#include "reconcile/planning/plan_state.h"

namespace sriov::reconcile::planning {

// Reads in, pfs, releases, guests (onNetwork, startsWith); writes drafts, pfs.drafts.setup.
void planDriversAfterRelease(PlanState& s);

}  // namespace sriov::reconcile::planning
