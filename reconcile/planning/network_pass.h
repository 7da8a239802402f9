// The network passes: deciding what happens to each network (before the guests, so they know
// which networks stop), and drafting the network actions (after the guests, so the detaches of a
// network's users are known).
#pragma once

#include "reconcile/planning/plan_state.h"

namespace sriov::reconcile::planning {

// The spec's networks (resolved to definitions), the active pools the spec does not describe
// whose VFs the plan re-creates, and with prune the owned networks the spec dropped. Reads in,
// pfs; writes nets.plans, nets.stopped, findings.
void planNetworks(PlanState& s);

// Drafts stop, undefine, define, autostart and start of each planned network: a stop after its
// users let go (releases.netUsers) and before its pool's VFs vanish; the guests' attaches and
// starts on it (guests.onNetwork, guests.startsWith) after its start. Reads in, pfs, guests,
// releases; writes nets.plans (drafts), drafts.
void finishNetworks(PlanState& s);

}  // namespace sriov::reconcile::planning
