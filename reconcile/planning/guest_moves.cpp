// Guest moves: desired devices, and detach/attach drafts with their bookkeeping.
#include "reconcile/planning/guest_moves.h"

#include "reconcile/planning/actions.h"
#include "reconcile/planning/device_identity.h"

namespace sriov::reconcile::planning {

namespace {

std::optional<GuestDevice> desiredInterface(PlanState& s, const schema::Guest& g, size_t i) {
  const schema::Interface& in = g.interfaces[i];
  GuestDevice d;
  std::string slot = "net" + std::to_string(i);
  d.alias = in.alias.empty() ? "ua-sriov-" + slot : in.alias;
  d.mac = in.mac ? *in.mac : stableMac(s.in.obs.hostname, g.name, slot);
  d.vlan = in.vlan;
  d.vlanForm = in.vlanTrunk;
  d.virtualport = in.virtualport;
  if (in.kind == schema::Interface::Kind::vf) {
    PfPlan* p = s.pfFor(in.vf.pf);
    if (!p) return std::nullopt;
    d.kind = GuestDevice::Kind::hostdevInterface;
    d.pci = futureVfPci(*p->obs, in.vf.index);
    d.managed = in.managed;
  } else {
    d.kind = GuestDevice::Kind::networkInterface;
    d.network = in.network;
  }
  return d;
}

std::optional<GuestDevice> desiredHostdev(PlanState& s, const schema::Guest& g, size_t i) {
  const schema::Hostdev& h = g.hostdevs[i];
  GuestDevice d;
  d.kind = GuestDevice::Kind::hostdev;
  d.alias = h.alias.empty() ? "ua-sriov-hostdev" + std::to_string(i) : h.alias;
  d.managed = h.managed;
  if (h.vf) {
    PfPlan* p = s.pfFor(h.vf->pf);
    if (!p) return std::nullopt;
    d.pci = futureVfPci(*p->obs, h.vf->index);
  } else if (h.pci) {
    d.pci = *h.pci;
  }
  return d;
}

}  // namespace

std::vector<GuestDevice> desiredDevices(PlanState& s, const schema::Guest& g) {
  std::vector<GuestDevice> out;
  for (size_t i = 0; i < g.interfaces.size(); ++i)
    if (std::optional<GuestDevice> d = desiredInterface(s, g, i)) out.push_back(*d);
  for (size_t i = 0; i < g.hostdevs.size(); ++i)
    if (std::optional<GuestDevice> d = desiredHostdev(s, g, i)) out.push_back(*d);
  return out;
}

bool affected(const PlanState& s, const GuestDevice& d) {
  if (d.kind == GuestDevice::Kind::networkInterface) return s.nets.stopped.count(d.network) > 0;
  return s.pfs.index.recreated.count(d.pci) > 0;
}

void blocks(PlanState& s, const GuestDevice& d, DraftId draft) {
  if (d.kind == GuestDevice::Kind::networkInterface) {
    s.releases.netUsers[d.network].push_back(draft);  // finishNetworks: before the stop
    return;
  }
  auto it = s.pfs.index.observed.find(d.pci);
  if (it != s.pfs.index.observed.end() && it->second.first->recreate)
    s.drafts.dep(*it->second.first->zero, draft);  // recreate: the zero is drafted
}

void noteRelease(PlanState& s, const GuestDevice& d, DraftId draft) {
  if (d.kind == GuestDevice::Kind::networkInterface)
    s.releases.liveNet[d.network].push_back(draft);
  else if (d.managed && !d.pci.empty())
    s.releases.live[d.pci].push_back(draft);
}

void releasesAll(PlanState& s, const ObservedDomain& dom, DraftId draft) {
  for (const GuestDevice& d : dom.liveDevices) noteRelease(s, d, draft);
}

void attachDeps(PlanState& s, DraftId draft, const GuestDevice& d) {
  if (d.kind == GuestDevice::Kind::networkInterface) {
    s.guests.onNetwork[d.network].push_back(draft);
    return;
  }
  if (PfPlan* p = s.pfs.owningVf(d.pci)) {
    s.drafts.dep(draft, p->count);
    s.drafts.dep(draft, p->zero);
    s.drafts.dep(draft, s.pfs.linkUpOf(p->obs->pci));
  }
  s.drafts.deps(draft, s.pfs.drafts.setup[d.pci]);
  s.claims.takers.push_back({draft, d.pci});  // waits for the VF's other holders
}

DraftId detach(PlanState& s, const std::string& guest, const GuestDevice& dev, DeviceScope scope,
               Stage stage, const std::string& reason) {
  DraftId d =
      s.drafts.add(stage, deviceAction(ActionKind::detachDevice, guest, dev, scope, reason));
  if (!dev.pci.empty()) s.releases.detachesOf[dev.pci].push_back(d);
  if (scope.live) noteRelease(s, dev, d);
  s.releases.released.insert({guest, dev.pci});
  return d;
}

DraftId attach(PlanState& s, const std::string& guest, const GuestDevice& dev, DeviceScope scope,
               const std::string& reason, std::optional<DraftId> after) {
  DraftId d =
      s.drafts.add(kAttach, deviceAction(ActionKind::attachDevice, guest, dev, scope, reason));
  attachDeps(s, d, dev);
  s.drafts.dep(d, after);
  s.guests.attaches[guest].push_back(d);
  if (scope.live && !dev.pci.empty()) s.releases.liveTakes.insert(dev.pci);
  return d;
}

}  // namespace sriov::reconcile::planning
