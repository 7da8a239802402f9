// PF passes: resolving and indexing PFs, drafting VF counts, PF links, VF settings and drivers.
#include "reconcile/planning/pf_pass.h"

#include <algorithm>

#include "reconcile/planning/actions.h"
#include "reconcile/planning/describe.h"
#include "reconcile/planning/device_identity.h"
#include "reconcile/preflight.h"

namespace sriov::reconcile::planning {

void indexPfs(PlanState& s) {
  for (const schema::Pf& p : s.in.spec.pfs) {
    PfPlan plan;
    plan.spec = &p;
    plan.obs = resolvePf(s.in.obs, p);
    s.pfs.list.push_back(plan);
  }
  // Indexes by VF address (the list does not grow any more): lookups stay cheap on big hosts.
  VfIndex& index = s.pfs.index;
  for (PfPlan& p : s.pfs.list) {
    if (!p.obs) continue;
    for (unsigned i = 0; i < std::max<unsigned>(p.spec->numVfs, p.obs->numVfs); ++i)
      index.owner.emplace(futureVfPci(*p.obs, i), &p);
    for (const ObservedVf& vf : p.obs->vfs) index.observed.emplace(vf.pci, std::pair{&p, vf.index});
  }
  for (const ObservedDomain& d : s.in.obs.domains) {
    auto note = [&](const GuestDevice& dev) {
      if (dev.pci.empty()) return;
      std::vector<const ObservedDomain*>& list = index.holders[dev.pci];
      if (list.empty() || list.back() != &d) list.push_back(&d);
    };
    for (const GuestDevice& dev : d.configDevices) note(dev);
    if (d.running())
      for (const GuestDevice& dev : d.liveDevices) note(dev);
  }
}

void planVfCounts(PlanState& s) {
  for (PfPlan& p : s.pfs.list) {
    if (!p.obs || !canSetCount(*p.obs, *p.spec)) continue;
    unsigned from = p.obs->numVfs, to = p.spec->numVfs;
    if (from == to) continue;
    p.changes = true;
    if (from > 0) {
      p.recreate = true;
      for (const ObservedVf& vf : p.obs->vfs) s.pfs.index.recreated.insert(vf.pci);
      p.zero = s.drafts.add(
          kZero, setNumVfs(*p.obs, from, 0, Disruption::recreate,
                           to == 0 ? "the spec wants no VFs"
                                   : "the VF count changes from " + std::to_string(from) + " to " +
                                         std::to_string(to) + ": the kernel needs 0 first"));
    }
    if (to > 0) {
      p.count =
          s.drafts.add(kCount, setNumVfs(*p.obs, p.recreate ? 0 : from, to,
                                         p.recreate ? Disruption::recreate : Disruption::none,
                                         p.recreate ? "re-create the VFs with the new count"
                                                    : "create " + std::to_string(to) + " VFs"));
      s.drafts.dep(*p.count, p.zero);
    }
  }
}

namespace {

// The change that takes settings have to want (fresh: a new VF, every wanted field is set), and
// what it replaces.
struct VfDiff {
  VfChange change, before;
};

VfDiff diffVf(const schema::VfSettings& want, const VfNetlink& have, bool fresh) {
  VfDiff d;
  if (want.mac && (fresh || *want.mac != have.mac)) {
    d.change.mac = want.mac;
    d.before.mac = have.mac;
  }
  if (want.vlan || want.qos) {
    unsigned vlan = want.vlan.value_or(have.vlan), qos = want.qos.value_or(have.qos);
    if (fresh || vlan != have.vlan || qos != have.qos) {
      d.change.vlan = vlan;
      d.change.qos = qos;
      d.before.vlan = have.vlan;
      d.before.qos = have.qos;
    }
  }
  if (want.spoofCheck && (fresh || have.spoofCheck != want.spoofCheck)) {
    d.change.spoofCheck = want.spoofCheck;
    d.before.spoofCheck = have.spoofCheck;
  }
  if (want.trust && (fresh || have.trust != want.trust)) {
    d.change.trust = want.trust;
    d.before.trust = have.trust;
  }
  if (want.linkState && (fresh || have.linkState != *want.linkState)) {
    d.change.linkState = want.linkState;
    d.before.linkState = have.linkState;
  }
  if (want.minTxRate || want.maxTxRate) {
    uint32_t lo = want.minTxRate.value_or(have.minTxRate),
             hi = want.maxTxRate.value_or(have.maxTxRate);
    if (fresh || lo != have.minTxRate || hi != have.maxTxRate) {
      d.change.minTxRate = lo;
      d.change.maxTxRate = hi;
      d.before.minTxRate = have.minTxRate;
      d.before.maxTxRate = have.maxTxRate;
    }
  }
  return d;
}

// A VF's settings once the running guest that holds it as an interface lets go: libvirt gives
// back the MAC and VLAN it saved (LibvirtSavedVf). Host-side settings on such a VF are only
// possible once the plan makes the guest let go (checkConflicts refuses the rest), and then they
// wait for it (checkConflicts orders them).
VfNetlink afterLetGo(PlanState& s, const ObservedVf& vf) {
  VfNetlink have = vf.settings;
  if (!vf.libvirtSaved) return have;
  bool held = false;
  for (const ObservedDomain* d : s.pfs.index.holders[vf.pci])
    for (const GuestDevice& dev : d->liveDevices)
      held = held ||
             (d->running() && dev.kind == GuestDevice::Kind::hostdevInterface && dev.pci == vf.pci);
  if (!held) return have;
  if (!vf.libvirtSaved->restoredMac().empty()) have.mac = vf.libvirtSaved->restoredMac();
  have.vlan = vf.libvirtSaved->vlanTag.value_or(0);
  have.qos = 0;
  return have;
}

void vfSetup(PlanState& s, PfPlan& p, unsigned index, const schema::VfSettings& want) {
  // A VF that is (re-)created starts from the driver's defaults: set everything the spec says.
  bool fresh = p.recreate || index >= p.obs->vfs.size();
  VfNetlink have = fresh ? VfNetlink{} : afterLetGo(s, p.obs->vfs[index]);
  std::string vfPci = futureVfPci(*p.obs, index);
  std::vector<DraftId>& setup = s.pfs.drafts.setup[vfPci];
  VfDiff diff = diffVf(want, have, fresh);
  if (!vfChangeText(diff.change).empty()) {
    DraftId d = s.drafts.add(
        kVf, setVf(*p.obs, index, diff.change,
                   fresh ? std::nullopt : std::optional<VfChange>(diff.before),
                   fresh ? Disruption::none : Disruption::attribute,
                   fresh ? "settings of a new VF" : "VF settings differ from the spec"));
    s.drafts.dep(d, p.count);
    // igb refuses a tx rate while its PF is down: settings wait for the PF's link.
    s.drafts.dep(d, s.pfs.linkUpOf(p.obs->pci));
    setup.push_back(d);
  }
  std::string haveDriver = fresh ? "" : p.obs->vfs[index].driver;
  if (want.driver && *want.driver != haveDriver) {
    DraftId d = s.drafts.add(
        kVf, bindVfDriver(*p.obs, index, vfPci, haveDriver.empty() ? OptText() : haveDriver,
                          *want.driver, fresh ? Disruption::none : Disruption::link,
                          "the spec binds this VF to " + *want.driver));
    s.drafts.dep(d, p.count);
    // Settings go through the PF while the VF still has its own driver.
    s.drafts.deps(d, setup);
    setup.push_back(d);
  }
}

}  // namespace

void planVfSetup(PlanState& s) {
  for (PfPlan& p : s.pfs.list) {
    if (!p.obs || !canSetCount(*p.obs, *p.spec)) continue;
    bool wantUp = p.spec->linkUp.value_or(p.obs->linkUp || p.spec->numVfs > 0);
    if (!p.obs->name.empty() && p.obs->linkUp != wantUp) {
      s.pfs.drafts.linkUp[p.obs->pci] = s.drafts.add(
          kVf,
          setLinkUp(*p.obs, wantUp,
                    wantUp ? "VFs have no link while their PF is down" : "it was down before"));
    }
    for (const schema::VfEntry& e : p.spec->vfs) {
      for (unsigned i = e.first; i <= e.last && i < p.spec->numVfs; ++i)
        vfSetup(s, p, i, e.settings);
    }
  }
}

}  // namespace sriov::reconcile::planning
