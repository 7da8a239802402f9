// Drivers-after-release pass: binding a VF the spec binds once a guest gives it back.
#include "reconcile/planning/driver_pass.h"

#include <algorithm>

#include "reconcile/planning/actions.h"

namespace sriov::reconcile::planning {

namespace {

// The networks that may hand out VF vf of p, and the live let-gos of vf (direct and by pool).
struct Release {
  std::vector<DraftId> drafts;
  std::vector<std::string> pools;
};

Release releaseOf(PlanState& s, const PfPlan& p, const ObservedVf& vf) {
  Release r{s.releases.live[vf.pci], {}};
  for (const ObservedNetwork& n : s.in.obs.networks)
    if ((!n.pfDev.empty() && n.pfDev == p.obs->name) ||
        std::find(n.vfs.begin(), n.vfs.end(), vf.pci) != n.vfs.end()) {
      r.pools.push_back(n.name);
      for (DraftId d : s.releases.liveNet[n.name]) r.drafts.push_back(d);
    }
  return r;
}

void bindAfterRelease(PlanState& s, const PfPlan& p, unsigned i, const std::string& driver) {
  const ObservedVf& vf = p.obs->vfs[i];
  Release release = releaseOf(s, p, vf);
  if (release.drafts.empty() || s.releases.liveTakes.count(vf.pci)) return;
  std::vector<DraftId>& setup = s.pfs.drafts.setup[vf.pci];
  bool bound = false;
  for (DraftId d : setup) bound = bound || s.drafts.action(d).kind == ActionKind::bindVfDriver;
  if (bound) return;
  DraftId d = s.drafts.add(
      kVf, bindVfDriver(*p.obs, i, vf.pci, "host driver" /* once the guest lets go */, driver,
                        Disruption::none,
                        "libvirt gives the VF back to its host driver when the guest lets go; "
                        "the spec binds it to " +
                            driver));
  s.drafts.deps(d, release.drafts);
  s.drafts.deps(d, setup);
  setup.push_back(d);
  for (const std::string& n : release.pools) {  // a guest may take it from the pool again
    for (DraftId user : s.guests.onNetwork[n]) s.drafts.dep(user, d);
    for (DraftId starter : s.guests.startsWith[n]) s.drafts.dep(starter, d);
  }
}

}  // namespace

void planDriversAfterRelease(PlanState& s) {
  for (PfPlan& p : s.pfs.list) {
    if (!p.obs || !canSetCount(*p.obs, *p.spec) || p.recreate) continue;
    for (const schema::VfEntry& e : p.spec->vfs) {
      if (!e.settings.driver) continue;
      for (unsigned i = e.first; i <= e.last && i < p.spec->numVfs && i < p.obs->vfs.size(); ++i)
        bindAfterRelease(s, p, i, *e.settings.driver);
    }
  }
}

}  // namespace sriov::reconcile::planning
