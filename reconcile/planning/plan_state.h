// The plan state: what the passes know and have drafted so far: the inputs, the findings, the
// drafts, and "the host after the plan" with its indexes, as named parts (PFs and their VFs,
// networks, guests, who lets go of a VF and who claims it). Each pass's header says which parts
// it reads and writes (planner.cpp lists the passes in their order).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "reconcile/host_change.h"
#include "reconcile/observed_state.h"
#include "reconcile/planner.h"
#include "reconcile/planning/drafts.h"
#include "reconcile/planning/refusals.h"
#include "schema/spec.h"

namespace sriov::reconcile::planning {

// What the plan was asked: read by every pass, written by none.
struct Inputs {
  const schema::Spec& spec;
  const ObservedState& obs;
  const PlanOptions& options;
};

// One PF of the spec and what the plan does with it.
struct PfPlan {
  const schema::Pf* spec = nullptr;
  const ObservedPf* obs = nullptr;     // nullptr: not on the host (preflight says so)
  bool recreate = false;               // VFs exist and are destroyed (count to 0, maybe then to N)
  bool changes = false;                // the count changes at all
  std::optional<DraftId> zero, count;  // the zero waits for all that must go before the VFs
};

// Whether the host can take the spec's VF count (else preflight refuses and the count stays).
bool canSetCount(const ObservedPf& obs, const schema::Pf& spec);

// VF addresses -> the PFs and domains behind them (built once, by indexPfs).
struct VfIndex {
  std::map<std::string, PfPlan*> byRef;  // spec reference (name, PCI form) -> PF; cached lookups
  std::map<std::string, PfPlan*> owner;  // VF address now or after the plan -> its PF
  std::map<std::string, std::pair<PfPlan*, unsigned>> observed;       // VF pci now -> PF, index
  std::map<std::string, std::vector<const ObservedDomain*>> holders;  // VF pci -> domains
  std::set<std::string> recreated;  // observed VF addresses that vanish during the plan
};

// The drafts of PFs and VFs that later drafts wait for.
struct VfDrafts {
  std::map<std::string, DraftId> linkUp;              // PF pci -> set-link-up
  std::map<std::string, std::vector<DraftId>> setup;  // VF pci -> set-vf, bind
};

struct Pfs {
  std::vector<PfPlan> list;  // one per spec PF, in spec order; never grows after indexPfs
  VfIndex index;
  VfDrafts drafts;

  // The PF the spec reference names, when it is on the host.
  PfPlan* planFor(const schema::Spec& spec, const std::string& ref);
  PfPlan* owningVf(const std::string& pci);  // now or after the plan
  // Whether the VF at pci exists once the plan is done (a shrinking PF loses its last VFs).
  bool existsAfter(const std::string& pci) const;
  std::optional<DraftId> linkUpOf(const std::string& pfPci) const;
};

// What the plan does with one network.
struct NetDecision {
  bool stop = false, define = false, start = false, prune = false;
  bool restartOnly = false;  // not in the spec: restarted because its PF re-creates its VFs
};

struct NetDrafts {
  std::optional<DraftId> stop, define, start;
};

struct NetPlan {
  const schema::Network* spec = nullptr;
  const ObservedNetwork* obs = nullptr;
  std::optional<NetworkDefinition> def;  // unset when it cannot be resolved
  std::set<PfPlan*> pools;               // PFs whose VFs it hands out
  NetDecision will;
  NetDrafts drafts;
};

struct Networks {
  std::map<std::string, NetPlan> plans;  // by name
  std::set<std::string> stopped;         // networks the plan stops
};

struct Guests {
  std::map<std::string, const schema::Guest*> spec;        // name -> the spec's guest
  std::map<std::string, std::vector<GuestDevice>> kept;    // guest -> devices outside the spec
  std::map<std::string, std::vector<DraftId>> attaches;    // guest -> attaches
  std::map<std::string, std::vector<DraftId>> onNetwork;   // network -> attaches on it
  std::map<std::string, std::vector<DraftId>> startsWith;  // network -> guest starts using it
  const schema::Guest* find(const std::string& name) const;
};

using GuestPci = std::pair<std::string, std::string>;  // (guest, VF pci)

// Who lets go of a VF during the plan, and who takes it live.
struct Releases {
  std::map<std::string, std::vector<DraftId>> detachesOf;  // VF pci -> detaches
  std::map<std::string, std::vector<DraftId>> live;        // VF pci -> live let-gos
  std::map<std::string, std::vector<DraftId>> liveNet;     // network -> live let-gos
  std::map<std::string, std::vector<DraftId>> netUsers;    // network -> detaches before it stops
  std::set<std::string> liveTakes;                         // VF pcis a guest takes live
  std::set<GuestPci> released;                             // detached by the plan
};

// Which guest the plan leaves holding which VF.
struct Claims {
  std::vector<std::pair<std::string, std::string>> wanted;  // (pci, guest) the spec wants
  std::vector<std::pair<DraftId, std::string>> takers;      // (attach draft, VF pci)
  std::set<GuestPci> restored;                              // given back as it was
  std::set<GuestPci> desired;                               // the spec gives
};

struct PlanState {
  Inputs in;
  Findings findings;
  Drafts drafts;
  Pfs pfs;
  Networks nets;
  Guests guests;
  Releases releases;
  Claims claims;

  PfPlan* pfFor(const std::string& ref) { return pfs.planFor(in.spec, ref); }
};

}  // namespace sriov::reconcile::planning
