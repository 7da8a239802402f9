// Guest pass: the sections of one guest's plan, in order (see planGuest).
#include "reconcile/planning/guest_pass.h"

#include <map>
#include <set>

#include "reconcile/planning/actions.h"
#include "reconcile/planning/describe.h"
#include "reconcile/planning/device_identity.h"
#include "reconcile/planning/guest_moves.h"

namespace sriov::reconcile::planning {

namespace {

// What the plan's other changes do to a running guest.
struct Disturbance {
  std::vector<const GuestDevice*> hit;  // live devices that lose their VF or network
  bool restart = false;                 // onDisruption: restart, and something is hit
  bool live = false;                    // running and not shut down for the change
  std::optional<DraftId> shutdown;
};

// Which observed devices the spec's devices took.
struct DeviceMatch {
  std::set<const GuestDevice*> gone;  // taken away by the change (hotplug), live and config
  std::map<const GuestDevice*, DraftId> goneDraft;
  std::set<const GuestDevice*> matched;  // observed devices a spec device matched
};

struct GuestRun {
  const ObservedDomain& dom;
  const schema::Guest& g;
  std::string target;  // "guest/NAME"
  Disturbance disturb;
  DeviceMatch match;
};

// A guest the spec does not list, hit by the plan: refused, or with --force its devices are
// taken away live and given back as they were; its config stays.
void planUnlistedGuest(PlanState& s, const ObservedDomain& dom,
                       const std::vector<const GuestDevice*>& hit, const std::string& target) {
  if (!s.in.options.force) {
    s.findings.error(target, "guest '" + dom.name + "' is not in the spec but is running with " +
                                 deviceSummary(*hit.front()) +
                                 ", which the plan takes away; add it to the spec (its "
                                 "onDisruption says how) or run with --force");
    return;
  }
  for (const GuestDevice* d : hit) {
    DraftId det = detach(s, dom.name, *d, {true, false}, kPreGuest,
                         "not in the spec (--force): lets go while its VF is re-created");
    blocks(s, *d, det);
    if (d->kind != GuestDevice::Kind::networkInterface && !s.pfs.existsAfter(d->pci)) {
      s.findings.warning(target, "guest '" + dom.name + "' loses " + deviceSummary(*d) +
                                     " for good: the VF does not exist after the change");
      continue;
    }
    attach(s, dom.name, *d, {true, false}, "not in the spec (--force): given back as it was", det);
  }
}

// onDisruption: restart: shut down before the change (started again by planPower).
void shutDownForRestart(PlanState& s, GuestRun& r) {
  Disturbance& t = r.disturb;
  t.restart = !t.hit.empty() && r.g.onDisruption == schema::OnDisruption::restart;
  if (t.restart) {
    t.shutdown =
        s.drafts.add(kPreGuest, shutdownGuest(r.dom, "onDisruption: restart, and it uses " +
                                                         deviceSummary(*t.hit.front()) +
                                                         ", which the plan takes away"));
    for (const GuestDevice* d : t.hit) blocks(s, *d, *t.shutdown);
    releasesAll(s, r.dom, *t.shutdown);
  }
  t.live = r.dom.running() && !t.restart;
}

// Devices the change takes away from a hotplug guest: detached live and from the config.
void detachHit(PlanState& s, GuestRun& r) {
  if (r.disturb.restart) return;
  for (const GuestDevice* d : r.disturb.hit) {
    const GuestDevice* cfg = findSame(r.dom.configDevices, *d);
    DraftId det = detach(
        s, r.dom.name, *d, {true, cfg != nullptr}, kPreGuest,
        "onDisruption: hotplug; lets go while " +
            std::string(d->kind == GuestDevice::Kind::networkInterface ? "its network restarts"
                                                                       : "its VF is re-created"));
    blocks(s, *d, det);
    r.match.gone.insert(d);
    r.match.goneDraft[d] = det;
    if (cfg) r.match.gone.insert(cfg);
  }
}

// A device the spec gives to the running guest only (liveOnly: a rollback's).
void planLiveOnlyDevice(PlanState& s, GuestRun& r, const GuestDevice& want) {
  if (!r.disturb.live) return;  // shut off: a live-only device has nowhere to be
  DeviceMatch& m = r.match;
  const GuestDevice* lv = matchDevice(r.dom.liveDevices, want, m.matched);
  if (lv) m.matched.insert(lv);
  if (lv && m.gone.count(lv)) {
    attach(s, r.dom.name, want, {true, false}, "attached again after the change", m.goneDraft[lv]);
  } else if (!lv) {
    attach(s, r.dom.name, want, {true, false}, "it was attached to the running guest before");
  } else if (!sameDevice(*lv, want)) {
    DraftId det = detach(s, r.dom.name, *lv, {true, false}, kDetach,
                         "replaced: the device differs from the one before");
    attach(s, r.dom.name, want, {true, false}, "as it was before", det);
  }
}

// A device the spec gives the guest: kept, attached, given back, updated or replaced.
void planDevice(PlanState& s, GuestRun& r, const GuestDevice& want) {
  DeviceMatch& m = r.match;
  bool live = r.disturb.live;
  const std::string& name = r.dom.name;
  const GuestDevice* cfg = matchDevice(r.dom.configDevices, want, m.matched);
  const GuestDevice* lv = live ? matchDevice(r.dom.liveDevices, want, m.matched) : nullptr;
  if (cfg) m.matched.insert(cfg);
  if (lv) m.matched.insert(lv);
  if ((cfg && m.gone.count(cfg)) || (lv && m.gone.count(lv))) {
    std::optional<DraftId> after;
    if (lv && m.goneDraft.count(lv)) after = m.goneDraft[lv];
    GuestDevice again = want;
    const GuestDevice* was = cfg ? cfg : lv;
    if (was->kind == want.kind) again.keep = was->element;
    attach(s, name, again, {live, true}, "attached again after the change", after);
    return;
  }
  bool cfgOk = cfg && sameDevice(*cfg, want);
  // A device in the config but not live (attached for the next boot) is left so: the guest gets
  // it when it next starts. One that is live must match.
  bool liveOk = !live || (lv ? sameDevice(*lv, want) : cfg != nullptr && !r.g.exactLive);
  if (cfgOk && liveOk) return;
  if (cfgOk && live && !lv) {
    attach(s, name, want, {true, false}, "in the config, and given back to the running guest");
    return;
  }
  if (!cfg && !lv) {
    attach(s, name, want, {live, true}, "the spec gives this device to the guest");
    return;
  }
  // Settings of a shut-off guest's interface change in place; a new source is a new device.
  if (!live && cfg && sameSource(*cfg, want) && isInterface(want) && cfg->mac == want.mac) {
    // The host finds the device it edits by the device's own identity: a device sriov-apply did
    // not attach has no ua-sriov- alias (or another one), and keeps it.
    GuestDevice edited = want;
    edited.alias = cfg->alias;
    edited.keep = cfg->element;
    DraftId d = s.drafts.add(
        kAttach, updateDevice(name, *cfg, edited, "the device's settings differ from the spec"));
    attachDeps(s, d, want);
    s.guests.attaches[name].push_back(d);
    return;
  }
  const GuestDevice& old = lv ? *lv : *cfg;
  DraftId det = detach(s, name, old, {lv != nullptr, cfg != nullptr}, kDetach,
                       "replaced: the device differs from the spec");
  // Written from the device it replaces (its config element): what the spec does not model of
  // it stays (device_xml.h).
  // It keeps the device's alias too (none, for one attached by hand), like an update.
  GuestDevice replacement = want;
  if (cfg && cfg->kind == want.kind) {
    replacement.keep = cfg->element;
    replacement.alias = cfg->alias;
  }
  attach(s, name, replacement, {live, true}, "replaces the device that differed from the spec",
         det);
}

// The driver a VF of p has after the plan: the spec's, else (not re-created) the observed one.
std::string driverAfter(const PlanState& s, const PfPlan& p, const std::string& pci) {
  for (unsigned i = 0; p.spec && i < p.spec->numVfs; ++i) {
    if (futureVfPci(*p.obs, i) != pci) continue;
    for (const schema::VfEntry& e : p.spec->vfs)
      if (e.first <= i && i <= e.last && e.settings.driver) return *e.settings.driver;
  }
  if (s.pfs.index.recreated.count(pci)) return "";
  for (const ObservedVf& vf : p.obs->vfs)
    if (vf.pci == pci) return vf.driver;
  return "";
}

// managed: false: libvirt leaves the VF's driver alone, so someone must bind it to vfio-pci.
void checkUnmanaged(PlanState& s, GuestRun& r, const GuestDevice& want) {
  if (want.managed || want.kind == GuestDevice::Kind::networkInterface) return;
  PfPlan* p = s.pfs.owningVf(want.pci);
  if (!p || !p->obs) return;  // a whole device: its driver is not observed
  std::string driver = driverAfter(s, *p, want.pci);
  if (driver == "vfio-pci") return;
  s.findings.warning(r.target, "guest '" + r.dom.name + "' has " + deviceSummary(want) +
                                   " with managed: false, so libvirt does not bind the VF to "
                                   "vfio-pci, and it is bound to " +
                                   (driver.empty() ? "no driver" : driver) +
                                   " after the plan; set driver: vfio-pci on the VF (or bind it "
                                   "by hand: virsh nodedev-detach) or the guest cannot start");
}

void planDesiredDevices(PlanState& s, GuestRun& r) {
  std::set<std::string> liveOnly;  // aliases a rollback restores live only
  for (const schema::Interface& i : r.g.interfaces)
    if (i.liveOnly) liveOnly.insert(i.alias);
  for (const schema::Hostdev& h : r.g.hostdevs)
    if (h.liveOnly) liveOnly.insert(h.alias);
  for (const GuestDevice& want : desiredDevices(s, r.g)) {
    s.claims.wanted.push_back({want.pci, r.dom.name});
    if (!want.pci.empty()) s.claims.desired.insert({r.dom.name, want.pci});
    checkUnmanaged(s, r, want);
    if (liveOnly.count(want.alias))
      planLiveOnlyDevice(s, r, want);
    else
      planDevice(s, r, want);
  }
}

// A device the spec does not describe, kept (prune is off, or sriov-apply did not attach it), on
// a VF the spec gives this guest in another device: the guest would hold it twice.
void checkKeptTwice(PlanState& s, GuestRun& r) {
  std::set<std::string> wantedPcis;
  for (const GuestDevice& want : desiredDevices(s, r.g))
    if (!want.pci.empty()) wantedPcis.insert(want.pci);
  std::set<std::string> reported;
  const ObservedDomain& dom = r.dom;
  for (const std::vector<GuestDevice>* list : {&dom.configDevices, &dom.liveDevices}) {
    if (list == &dom.liveDevices && !dom.running()) continue;
    for (const GuestDevice& d : *list) {
      if (r.match.matched.count(&d) || !wantedPcis.count(d.pci) || (d.owned() && s.in.spec.prune))
        continue;
      const GuestDevice* twin = findSame(dom.configDevices, d);
      if (twin && r.match.matched.count(twin)) continue;
      if (!reported.insert(d.pci).second) continue;
      s.findings.error(r.target,
                       "guest '" + dom.name + "' keeps " + deviceSummary(d) +
                           ", which the spec does not describe, on a VF the spec gives it in "
                           "another device; " +
                           (d.owned() ? "set prune: true to let sriov-apply remove it"
                                      : "detach it first (sriov-apply did not attach it)"));
    }
  }
}

// Devices the change took away that the spec does not (or no longer) describe: back as they
// were. Owned devices the spec dropped: removed with prune, else left alone.
void restoreHit(PlanState& s, GuestRun& r) {
  const ObservedDomain& dom = r.dom;
  for (const GuestDevice* d : r.disturb.hit) {
    if (r.match.matched.count(d) || r.disturb.restart) continue;
    const GuestDevice* cfg = findSame(dom.configDevices, *d);
    if (d->owned() && s.in.spec.prune) continue;
    if (d->kind != GuestDevice::Kind::networkInterface && !s.pfs.existsAfter(d->pci)) {
      s.findings.error(
          r.target, "guest '" + dom.name + "' holds " + deviceSummary(*d) +
                        ", which the plan destroys, and the spec does not give it back; "
                        "set prune: true to let sriov-apply remove it" +
                        (d->owned() ? "" : ", or detach it first (sriov-apply did not attach it)"));
      continue;
    }
    GuestDevice back = *d;
    back.keep = cfg ? cfg->element : d->element;  // as it was, all of it
    attach(s, dom.name, back, {true, cfg != nullptr}, "given back as it was after the change",
           r.match.goneDraft[d]);
    s.claims.restored.insert({dom.name, d->pci});
    s.claims.wanted.push_back({d->pci, dom.name});
  }
}

// A device left in the config on a VF the plan destroys: the guest could not start again.
void checkConfigOnDestroyed(PlanState& s, GuestRun& r) {
  for (const GuestDevice& c : r.dom.configDevices) {
    if (r.match.matched.count(&c) || r.match.gone.count(&c) ||
        c.kind == GuestDevice::Kind::networkInterface || s.pfs.existsAfter(c.pci) ||
        (c.owned() && s.in.spec.prune))
      continue;
    bool reported = false;  // by restoreHit, for a hotplug guest
    for (const GuestDevice* d : r.disturb.hit)
      reported = reported || (!r.disturb.restart && sameSource(*d, c));
    if (reported) continue;
    s.findings.error(r.target,
                     "guest '" + r.dom.name + "' has " + deviceSummary(c) +
                         " in its config, on a VF the plan destroys, and the spec does not "
                         "give it back; set prune: true to let sriov-apply remove it" +
                         (c.owned() ? "" : ", or detach it first (sriov-apply did not attach it)"));
  }
}

// With prune: owned devices the spec no longer describes are detached.
void pruneOwned(PlanState& s, GuestRun& r) {
  const ObservedDomain& dom = r.dom;
  const DeviceMatch& m = r.match;
  std::set<std::string> done;
  for (const std::vector<GuestDevice>* list : {&dom.liveDevices, &dom.configDevices}) {
    if (list == &dom.liveDevices && !r.disturb.live) continue;  // shut off, or shut down
    for (const GuestDevice& d : *list) {
      if (!d.owned() || m.matched.count(&d) || m.gone.count(&d) || done.count(d.alias)) continue;
      const GuestDevice* twin = findSame(dom.configDevices, d);  // the same device, config
      if (twin && (m.matched.count(twin) || m.gone.count(twin))) continue;
      done.insert(d.alias);
      bool inLive = r.disturb.live && findSame(dom.liveDevices, d);
      bool inConfig = findSame(dom.configDevices, d) != nullptr;
      DraftId det = detach(s, dom.name, d, {inLive, inConfig}, kDetach,
                           "owned by sriov-apply and no longer in the spec (prune)");
      if (d.kind == GuestDevice::Kind::networkInterface) blocks(s, d, det);
    }
  }
}

// What the guest keeps besides the spec's devices, for the pools' capacity.
void noteKept(PlanState& s, GuestRun& r) {
  const ObservedDomain& dom = r.dom;
  const std::vector<GuestDevice>& after = r.disturb.live ? dom.liveDevices : dom.configDevices;
  for (const GuestDevice& d : after) {
    const GuestDevice* twin = findSame(dom.configDevices, d);
    if (r.match.matched.count(&d) || (twin && r.match.matched.count(twin)) ||
        (d.owned() && s.in.spec.prune))
      continue;
    s.guests.kept[dom.name].push_back(d);
  }
}

// A guest started (again) waits for its devices, and takes the VFs of its config.
void draftStart(PlanState& s, GuestRun& r) {
  const ObservedDomain& dom = r.dom;
  bool restart = r.disturb.restart;
  DraftId d = s.drafts.add(
      kStartGuest, startGuest(dom, restart ? "started again after the change (onDisruption: "
                                             "restart)"
                                           : "it was running before"));
  s.drafts.dep(d, r.disturb.shutdown);
  s.drafts.deps(d, s.guests.attaches[dom.name]);
  // It takes the VFs of its config as the plan leaves it.
  for (const GuestDevice& w : desiredDevices(s, r.g))
    if (!w.pci.empty()) s.releases.liveTakes.insert(w.pci);
  for (const GuestDevice& c : dom.configDevices) {
    if (!c.pci.empty() && !s.releases.released.count({dom.name, c.pci}))
      s.releases.liveTakes.insert(c.pci);
    if (c.kind == GuestDevice::Kind::networkInterface) {
      s.guests.startsWith[c.network].push_back(d);
    } else if (PfPlan* p = s.pfs.owningVf(c.pci)) {
      s.drafts.dep(d, p->count);
      s.drafts.deps(d, s.pfs.drafts.setup[c.pci]);
    }
  }
}

// The running state the spec asks for (else the one observed).
void planPower(PlanState& s, GuestRun& r) {
  bool wantRunning = r.g.running.value_or(r.dom.running());
  if (!r.disturb.restart && r.dom.running() && !wantRunning)
    releasesAll(s, r.dom,
                s.drafts.add(kStartGuest, shutdownGuest(r.dom, "it was shut off before")));
  if (r.disturb.restart || (!r.dom.running() && wantRunning)) draftStart(s, r);
}

// A domain whose XML cannot be read (ObservedDomain::unreadable) is left alone: refused when
// the spec lists it, and when it runs while the plan re-creates VFs or stops a pool (nothing
// tells whether it holds one); otherwise a warning.
void planUnreadableGuest(PlanState& s, const ObservedDomain& dom, const schema::Guest* g,
                         const std::string& target) {
  std::string cannot =
      "guest '" + dom.name + "': its SR-IOV devices cannot be read from " + dom.unreadable + "; ";
  std::string fix = "fix its definition (virsh edit " + dom.name + ")";
  if (g) {
    s.findings.error(
        target, cannot + "sriov-apply cannot plan for it: " + fix + " or take it out of the spec");
    return;
  }
  std::string touched;
  for (const PfPlan& p : s.pfs.list) {
    if (!p.obs) continue;
    bool recreated = false;
    for (const ObservedVf& vf : p.obs->vfs)
      recreated = recreated || s.pfs.index.recreated.count(vf.pci);
    if (recreated) touched += (touched.empty() ? "the VFs of " : ", ") + p.obs->label();
  }
  for (const std::string& n : s.nets.stopped)
    touched += (touched.empty() ? "" : ", ") + ("network '" + n + "'");
  if (dom.state != DomainState::shutoff && !touched.empty()) {
    s.findings.error(target, cannot + "it is " + toString(dom.state) +
                                 " and the plan re-creates or stops " + touched +
                                 ", which it may hold: " + fix + " or shut it down first");
    return;
  }
  s.findings.warning(target, cannot + "it is left alone");
}

// One observed domain, in sections whose order matters: what the change hits, the refusals, the
// shutdown for a restart, the hotplug detaches, the spec's devices, the checks, prune, power.
void planGuest(PlanState& s, const ObservedDomain& dom, const schema::Guest* g) {
  if (!dom.unreadable.empty()) return planUnreadableGuest(s, dom, g, "guest/" + dom.name);
  std::vector<const GuestDevice*> hit;
  if (dom.running())
    for (const GuestDevice& d : dom.liveDevices)
      if (affected(s, d)) hit.push_back(&d);
  std::string target = "guest/" + dom.name;
  if (!g) {
    if (!hit.empty()) planUnlistedGuest(s, dom, hit, target);
    return;
  }
  if (!hit.empty() && g->onDisruption == schema::OnDisruption::refuse) {
    s.findings.error(target, "guest '" + dom.name +
                                 "' has onDisruption: refuse, but the plan takes " +
                                 deviceSummary(*hit.front()) + " away from it while it runs");
    return;
  }
  GuestRun r{dom, *g, target, {hit, false, false, std::nullopt}, {}};
  shutDownForRestart(s, r);
  detachHit(s, r);
  planDesiredDevices(s, r);
  checkKeptTwice(s, r);
  restoreHit(s, r);
  checkConfigOnDestroyed(s, r);
  if (s.in.spec.prune) pruneOwned(s, r);
  noteKept(s, r);
  planPower(s, r);
}

}  // namespace

void planGuests(PlanState& s) {
  for (const schema::Guest& g : s.in.spec.guests) s.guests.spec.emplace(g.name, &g);
  for (const ObservedDomain& dom : s.in.obs.domains) planGuest(s, dom, s.guests.find(dom.name));
}

}  // namespace sriov::reconcile::planning
