// VF-conflict check: host-side settings against libvirt's, and one VF claimed by two guests.
#include "reconcile/planning/vf_conflicts.h"

#include <algorithm>

#include "reconcile/planning/actions.h"
#include "reconcile/planning/device_identity.h"

namespace sriov::reconcile::planning {

namespace {

void hostSideConflict(PlanState& s, const PfPlan& p, unsigned index, const std::string& holder) {
  s.findings.error(vfTarget(*p.obs, index),
                   "the spec sets a mac or vlan on VF " + std::to_string(index) + " of " +
                       p.obs->label() + ", but " + holder +
                       ", and libvirt sets the VF's mac and vlan from the guest's interface; "
                       "drop the setting, or remove the interface or network (list it, with "
                       "prune: true)");
}

// Whether d keeps VF pci as a hostdev interface after the plan (and not the spec's own).
bool keepsAsInterface(const PlanState& s, const ObservedDomain& d, const std::string& pci) {
  bool kept = !s.releases.released.count({d.name, pci}) || s.claims.restored.count({d.name, pci});
  bool holds = false;
  for (const GuestDevice& dev : d.configDevices)
    holds = holds || (dev.kind == GuestDevice::Kind::hostdevInterface && dev.pci == pci);
  for (const GuestDevice& dev : d.liveDevices)
    holds =
        holds || (d.running() && dev.kind == GuestDevice::Kind::hostdevInterface && dev.pci == pci);
  // The spec's own interface on it (a rollback restores both) is no conflict.
  return holds && kept && !s.claims.desired.count({d.name, pci});
}

// A host-side mac or vlan on a VF that a guest keeps as an interface the spec does not describe:
// libvirt sets that VF's mac and vlan from the interface, so the two would fight.
void checkHostSide(PlanState& s, const PfPlan& p, unsigned i) {
  std::string pci = futureVfPci(*p.obs, i);
  for (const ObservedDomain* held : s.pfs.index.holders[pci])
    if (keepsAsInterface(s, *held, pci))
      hostSideConflict(
          s, p, i,
          "guest '" + held->name + "' keeps it as an interface the spec does not describe");
  // A pool the spec does not describe hands it out (validate checks the spec's own).
  for (const ObservedNetwork& n : s.in.obs.networks) {
    if (s.in.spec.findNetwork(n.name) || (s.in.spec.prune && n.owned) || n.forwardMode != "hostdev")
      continue;
    bool pooled = (!n.pfDev.empty() && n.pfDev == p.obs->name) ||
                  std::find(n.vfs.begin(), n.vfs.end(), pci) != n.vfs.end();
    if (pooled)
      hostSideConflict(s, p, i,
                       "network '" + n.name + "', which the spec does not describe, hands it out");
  }
}

// Whether other still has pci in its configuration (or live, when running).
bool stillHolds(const ObservedDomain& other, const std::string& pci) {
  bool holds = false;
  for (const GuestDevice& d : other.configDevices)
    holds = holds || (!d.pci.empty() && d.pci == pci);
  if (other.running())
    for (const GuestDevice& d : other.liveDevices)
      holds = holds || (!d.pci.empty() && d.pci == pci);
  return holds;
}

// The spec gives pci to guest, but another guest keeps it.
void checkClaim(PlanState& s, const std::string& pci, const std::string& guest) {
  for (const ObservedDomain* held : s.pfs.index.holders[pci]) {
    const ObservedDomain& other = *held;
    if (other.name == guest || s.releases.released.count({other.name, pci})) continue;
    if (!stillHolds(other, pci)) continue;
    bool listed = s.guests.find(other.name) != nullptr;
    s.findings.error("guest/" + guest,
                     "the spec gives " + pci + " to guest '" + guest + "', but guest '" +
                         other.name + "' has it in its " +
                         (listed ? "configuration (not owned by sriov-apply, or prune is off)"
                                 : "configuration and is not in the spec") +
                         "; remove it there first");
  }
}

}  // namespace

void checkConflicts(PlanState& s) {
  for (const PfPlan& p : s.pfs.list) {
    if (!p.obs) continue;
    for (const schema::VfEntry& e : p.spec->vfs) {
      if (!e.settings.mac && !e.settings.vlan) continue;
      for (unsigned i = e.first; i <= e.last && i < p.spec->numVfs; ++i) checkHostSide(s, p, i);
    }
  }
  for (const auto& [draft, pci] : s.claims.takers) s.drafts.deps(draft, s.releases.detachesOf[pci]);
  // libvirt writes its saved MAC and VLAN back when a guest lets go of a VF (LibvirtSavedVf):
  // the spec's settings of that VF go after that.
  for (auto& [pci, drafts] : s.pfs.drafts.setup) {
    auto at = s.pfs.index.observed.find(pci);
    if (at == s.pfs.index.observed.end()) continue;
    if (!at->second.first->obs->vfs[at->second.second].libvirtSaved) continue;
    for (DraftId d : drafts) {
      if (s.drafts.action(d).kind != ActionKind::setVf) continue;
      s.drafts.deps(d, s.releases.live[pci]);  // managed: detaches and shutdowns
      s.drafts.deps(d, s.releases.detachesOf[pci]);
    }
  }
  for (const auto& [pci, guest] : s.claims.wanted)
    if (!pci.empty()) checkClaim(s, pci, guest);
}

}  // namespace sriov::reconcile::planning
