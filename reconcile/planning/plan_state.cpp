// The plan state's lookups: PFs by reference and by VF address, VFs after the plan, guests.
#include "reconcile/planning/plan_state.h"

namespace sriov::reconcile::planning {

bool canSetCount(const ObservedPf& obs, const schema::Pf& spec) {
  return spec.numVfs <= obs.totalVfs && (!obs.driver.empty() || spec.numVfs == obs.numVfs);
}

PfPlan* Pfs::planFor(const schema::Spec& spec, const std::string& ref) {
  auto known = index.byRef.find(ref);
  if (known != index.byRef.end()) return known->second;
  const schema::Pf* p = spec.findPf(ref);
  PfPlan* plan = p ? &list[static_cast<size_t>(p - spec.pfs.data())] : nullptr;
  if (plan && !plan->obs) plan = nullptr;
  index.byRef.emplace(ref, plan);
  return plan;
}

PfPlan* Pfs::owningVf(const std::string& pci) {
  auto it = index.owner.find(pci);
  return it == index.owner.end() ? nullptr : it->second;
}

bool Pfs::existsAfter(const std::string& pci) const {
  auto it = index.observed.find(pci);
  if (it == index.observed.end() || !it->second.first->changes) return true;
  return it->second.second < it->second.first->spec->numVfs;
}

std::optional<DraftId> Pfs::linkUpOf(const std::string& pfPci) const {
  auto it = drafts.linkUp.find(pfPci);
  if (it == drafts.linkUp.end()) return std::nullopt;
  return it->second;
}

const schema::Guest* Guests::find(const std::string& name) const {
  auto it = spec.find(name);
  return it == spec.end() ? nullptr : it->second;
}

}  // namespace sriov::reconcile::planning
