// Guest moves: the devices the spec gives a guest, and the detach and attach drafts with the
// bookkeeping each one leaves in the plan state (who lets go of a VF, who takes it, what must
// wait for what). Shared by the guest pass and the passes after it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reconcile/planning/plan_state.h"

namespace sriov::reconcile::planning {

// The guest devices the spec gives g, with the aliases and stable MACs it gets; devices on a PF
// that is not on the host are left out (preflight reports them).
std::vector<GuestDevice> desiredDevices(PlanState& s, const schema::Guest& g);

// Whether a live device of a running guest loses its VF or its network during the plan.
bool affected(const PlanState& s, const GuestDevice& d);

// The PFs and networks whose change forces d off its guest first wait for draft: a re-created
// PF's count to 0 at once, a network's stop (drafted later) through releases.netUsers.
void blocks(PlanState& s, const GuestDevice& d, DraftId draft);

// A live let-go of d by draft: an interface on a pool lets go of whichever VF libvirt gave it
// (counted per network), a managed hostdev of its VF.
void noteRelease(PlanState& s, const GuestDevice& d, DraftId draft);
// A running guest that shuts down gives its managed VFs back to their host drivers.
void releasesAll(PlanState& s, const ObservedDomain& dom, DraftId draft);

// The drafts an attach of d waits for: its VF exists and is set up, its network runs, the VF's
// previous holder let go of it (claims.takers, resolved by checkConflicts).
void attachDeps(PlanState& s, DraftId draft, const GuestDevice& d);

DraftId detach(PlanState& s, const std::string& guest, const GuestDevice& dev, DeviceScope scope,
               Stage stage, const std::string& reason);
DraftId attach(PlanState& s, const std::string& guest, const GuestDevice& dev, DeviceScope scope,
               const std::string& reason, std::optional<DraftId> after = std::nullopt);

}  // namespace sriov::reconcile::planning
