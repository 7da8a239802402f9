// The PF passes: the PF index, VF counts, and the PF link and VF settings and drivers after the
// count.
#pragma once

#include "reconcile/planning/plan_state.h"

namespace sriov::reconcile::planning {

// Resolves the spec's PFs on the host and indexes VF addresses (now and after the plan) and the
// domains holding them. Reads in; writes pfs.list, pfs.index.
void indexPfs(PlanState& s);

// sriov_numvfs: to 0 first when VFs exist, then to N. Reads in, pfs.list; writes pfs.list
// (recreate, changes, zero, count), pfs.index.recreated, drafts.
void planVfCounts(PlanState& s);

// After the count: PF link up, each VF's settings and driver. Reads in, pfs; writes
// pfs.drafts (linkUp, setup), drafts.
void planVfSetup(PlanState& s);

}  // namespace sriov::reconcile::planning
