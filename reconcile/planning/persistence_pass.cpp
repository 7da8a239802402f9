// Persistence pass: drafting the udev rules file of the spec's persisted VF counts.
#include "reconcile/planning/persistence_pass.h"

#include "reconcile/persistence.h"
#include "reconcile/planning/actions.h"

namespace sriov::reconcile::planning {

namespace {

// The rules the spec asks for: persisted PFs with VFs after the plan.
std::vector<PersistedPf> wantedRules(const Pfs& pfs) {
  std::vector<PersistedPf> rules;
  for (const PfPlan& p : pfs.list) {
    if (!p.obs || !p.spec->persist) continue;
    // A count the host cannot take (refused by preflight) is not written either.
    unsigned count = canSetCount(*p.obs, *p.spec) ? p.spec->numVfs : p.obs->numVfs;
    if (count > 0) rules.push_back({p.obs->name, p.obs->pci, count});
  }
  return rules;
}

std::string rulesText(const std::vector<PersistedPf>& rules) {
  std::string to;
  for (const PersistedPf& r : rules)
    to += (to.empty() ? "" : ", ") + (r.netdev.empty() ? r.pci : r.netdev) + "=" +
          std::to_string(r.numVfs);
  return to.empty() ? "no PFs" : to;
}

}  // namespace

void planPersistence(PlanState& s) {
  const std::string& path = s.in.options.persistFile;
  std::vector<PersistedPf> rules = wantedRules(s.pfs);
  auto current = s.in.obs.files.find(path);
  bool present = current != s.in.obs.files.end();
  if (s.in.spec.removePersistence) {
    if (!present) return;
    DraftId d = s.drafts.add(
        kPersist, writePersistence(path, "present", std::nullopt, "", "it was not there before"));
    for (const PfPlan& p : s.pfs.list) s.drafts.dep(d, p.count);
    return;
  }
  if (rules.empty() && !present && !s.in.spec.persistenceContent) return;
  std::string content =
      s.in.spec.persistenceContent ? *s.in.spec.persistenceContent : persistenceRules(rules);
  if (present && current->second == content) return;
  DraftId d = s.drafts.add(
      kPersist,
      writePersistence(path, present ? OptText("outdated") : std::nullopt, rulesText(rules),
                       content, "VF counts survive a reboot through this udev rules file"));
  for (const PfPlan& p : s.pfs.list) {
    s.drafts.dep(d, p.zero);
    s.drafts.dep(d, p.count);
  }
}

}  // namespace sriov::reconcile::planning
