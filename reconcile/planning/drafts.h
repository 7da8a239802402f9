// The drafts of a plan: actions with the stage they run in and the drafts they wait for, and the
// ordering that turns them into the numbered, dependency-linked actions of a Plan.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <vector>

#include "reconcile/plan.h"

namespace sriov::reconcile::planning {

// Execution stages; actions are ordered by stage, then target, then kind.
enum Stage {
  kPreGuest,     // guests let go of VFs whose PF re-creates them (detach live, shut down)
  kDetach,       // devices the spec changed, moved or pruned
  kNetStop,      // networks stop (pool re-read, redefinition, deactivation, prune)
  kNetUndefine,  // pruned networks
  kZero,         // sriov_numvfs = 0
  kCount,        // sriov_numvfs = N
  kVf,           // PF link up, VF settings, VF drivers
  kPersist,      // udev rules
  kNetDefine,    // define / redefine, autostart
  kNetStart,     // networks start (libvirt reads the VF list now)
  kAttach,       // devices attached or updated
  kStartGuest,   // guests shut down for the change start again
};

// A draft is named by its index, in the order the passes added it.
using DraftId = size_t;

struct Draft {
  Action action;
  Stage stage;
  std::set<DraftId> deps;
};

class Drafts {
 public:
  DraftId add(Stage stage, Action action);
  // draft waits for on (nothing when on is unset or draft itself).
  void dep(DraftId draft, std::optional<DraftId> on);
  void deps(DraftId draft, const std::vector<DraftId>& on);
  const Action& action(DraftId draft) const { return list_[draft].action; }

  // The actions in execution order (stable by stage, target, kind), ids from 1, `after` as ids.
  std::vector<Action> ordered() const;

 private:
  std::vector<Draft> list_;
};

}  // namespace sriov::reconcile::planning
