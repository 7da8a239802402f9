// Network passes: network decisions and the network actions.
#include "reconcile/planning/network_pass.h"

#include "reconcile/planning/actions.h"
#include "reconcile/planning/describe.h"
#include "reconcile/planning/device_identity.h"

namespace sriov::reconcile::planning {

namespace {

const char* const kPruned = "owned by sriov-apply and no longer in the spec (prune)";

// The definition a spec network asks for; unset when one of its PFs or VFs is not on the host.
std::optional<NetworkDefinition> resolveDefinition(PlanState& s, const schema::Network& n,
                                                   NetPlan& plan) {
  NetworkDefinition def;
  def.name = n.name;
  if (plan.obs) def.replaces = plan.obs->xml;
  def.managed = n.managed;
  def.vlan = n.vlan;
  def.vlanForm = n.vlanTrunk;
  bool resolved = true;
  if (n.pf) {
    PfPlan* p = s.pfFor(*n.pf);
    resolved = p && !p->obs->name.empty();
    if (resolved) {
      def.pfDev = p->obs->name;
      plan.pools.insert(p);
    }
  }
  for (const schema::VfRef& ref : n.vfs) {
    PfPlan* p = s.pfFor(ref.pf);
    if (!p) {
      resolved = false;
      continue;
    }
    def.vfs.push_back(futureVfPci(*p->obs, ref.index));
    plan.pools.insert(p);
  }
  if (!resolved) return std::nullopt;
  return def;
}

void planSpecNetwork(PlanState& s, const schema::Network& n) {
  NetPlan plan;
  plan.spec = &n;
  plan.obs = s.in.obs.findNetwork(n.name);
  if (plan.obs && !plan.obs->owned && !s.in.options.takeOverNetworks) {
    s.nets.plans[n.name] = plan;
    return;  // reported by preflight
  }
  plan.def = resolveDefinition(s, n, plan);
  bool poolRecreated = false;
  for (const PfPlan* p : plan.pools) poolRecreated = poolRecreated || p->changes;
  if (plan.obs && plan.obs->active) {
    // A VF list of a changed count must be read again; libvirt reads it at start.
    for (const std::string& vf : plan.obs->vfs)
      poolRecreated = poolRecreated || s.pfs.index.recreated.count(vf);
  }
  bool differs = plan.def && (!plan.obs || !sameDefinition(*plan.obs, *plan.def));
  // --force takes over a network sriov-apply did not define: redefined with its mark.
  plan.will.define = differs || (plan.def && plan.obs && !plan.obs->owned);
  bool active = plan.obs && plan.obs->active;
  plan.will.stop = active && (differs || poolRecreated || !n.active);
  plan.will.start = n.active && plan.def && (!active || plan.will.stop);
  if (plan.will.stop) s.nets.stopped.insert(n.name);
  s.nets.plans[n.name] = plan;
}

// An active pool the spec does not describe (and prune does not remove) whose VFs the plan
// re-creates: its guests must let go before the VFs vanish, and libvirt reads the pool again
// only at start. It is stopped and started again around the change, nothing else.
void planDependentNetworks(PlanState& s) {
  for (const ObservedNetwork& o : s.in.obs.networks) {
    if (!o.active || s.in.spec.findNetwork(o.name) || (s.in.spec.prune && o.owned)) continue;
    std::set<PfPlan*> pools;
    for (PfPlan& p : s.pfs.list)
      if (p.obs && p.changes && !o.pfDev.empty() && p.obs->name == o.pfDev) pools.insert(&p);
    for (const std::string& vf : o.vfs)
      if (s.pfs.index.recreated.count(vf))
        if (PfPlan* p = s.pfs.owningVf(vf)) pools.insert(p);
    if (pools.empty()) continue;
    bool empty = false;
    for (const PfPlan* p : pools)
      empty = empty || (p->obs->name == o.pfDev && p->spec->numVfs == 0);
    if (empty) {
      s.findings.error("network/" + o.name,
                       "network '" + o.name + "' is not in the spec and pools the VFs of " +
                           o.pfDev +
                           ", which the spec leaves without VFs; libvirt cannot run a pool "
                           "without VFs: add the network to the spec with active: false, or "
                           "remove it" +
                           (o.owned ? " (prune: true)" : ""));
      continue;
    }
    NetPlan plan;
    plan.obs = &o;
    plan.pools = pools;
    plan.will.stop = plan.will.start = plan.will.restartOnly = true;
    s.nets.stopped.insert(o.name);
    s.nets.plans[o.name] = plan;
  }
}

// With prune: the owned networks the spec no longer lists are stopped and undefined.
void planPrunedNetworks(PlanState& s) {
  for (const ObservedNetwork& o : s.in.obs.networks) {
    if (!o.owned || s.in.spec.findNetwork(o.name)) continue;
    for (const ObservedDomain& d : s.in.obs.domains)
      for (const GuestDevice& dev : d.configDevices)
        if (dev.kind == GuestDevice::Kind::networkInterface && dev.network == o.name)
          s.findings.warning("network/" + o.name,
                             "guest '" + d.name + "' has an interface on network '" + o.name +
                                 "', which prune removes; the guest will not start until it "
                                 "is changed");
    NetPlan plan;
    plan.obs = &o;
    plan.will.prune = true;
    plan.will.stop = o.active;
    if (plan.will.stop) s.nets.stopped.insert(o.name);
    s.nets.plans[o.name] = plan;
  }
}

// A network action on a pool waits for the pool's VFs: counted, link up, set up.
void poolDeps(PlanState& s, DraftId draft, const NetPlan& n) {
  for (const PfPlan* p : n.pools) {
    s.drafts.dep(draft, p->count);
    s.drafts.dep(draft, p->zero);
    s.drafts.dep(draft, s.pfs.linkUpOf(p->obs->pci));
  }
  if (n.def)
    for (const std::string& vf : n.def->vfs) s.drafts.deps(draft, s.pfs.drafts.setup[vf]);
}

void draftStart(PlanState& s, const std::string& name, NetPlan& n, const std::string& why) {
  n.drafts.start = s.drafts.add(kNetStart, networkAction(ActionKind::startNetwork, name, "inactive",
                                                         "active", Disruption::none, why));
  s.drafts.dep(*n.drafts.start, n.drafts.define);
  s.drafts.dep(*n.drafts.start, n.drafts.stop);
  poolDeps(s, *n.drafts.start, n);
  for (DraftId user : s.guests.onNetwork[name]) s.drafts.dep(user, n.drafts.start);
}

void draftStop(PlanState& s, const std::string& name, NetPlan& n) {
  std::string why = n.will.prune                ? kPruned
                    : n.spec && !n.spec->active ? "the spec keeps it inactive"
                    : n.will.define ? "its definition changes; libvirt applies it at start"
                                    : "its PF re-creates its VFs; libvirt reads the pool at start";
  n.drafts.stop = s.drafts.add(kNetStop, networkAction(ActionKind::stopNetwork, name, "active",
                                                       "inactive", Disruption::link, why));
  s.drafts.deps(*n.drafts.stop, s.releases.netUsers[name]);
  for (PfPlan* p : n.pools)  // before the VFs vanish
    if (p->zero) s.drafts.dep(*p->zero, n.drafts.stop);
}

// Define, autostart and start of a network the spec describes.
void draftSpecNetwork(PlanState& s, const std::string& name, NetPlan& n) {
  if (n.will.define) {
    n.drafts.define = s.drafts.add(
        kNetDefine,
        defineNetwork(*n.def, n.obs ? OptText(networkSummary(*n.obs)) : std::nullopt,
                      !n.obs ? "declared in the spec"
                      : !n.obs->owned
                          ? "taken over (--force): defined again with sriov-apply's mark"
                          : "its definition differs from the spec"));
    poolDeps(s, *n.drafts.define, n);  // an explicit VF list is checked at define time
  }
  bool autostartNow = n.obs ? n.obs->autostart : false;
  if (n.spec->autostart != autostartNow) {
    s.drafts.dep(
        s.drafts.add(kNetDefine, setNetworkAutostart(name, autostartNow, n.spec->autostart)),
        n.drafts.define);
  }
  if (n.will.start)
    draftStart(s, name, n,
               n.will.stop ? "start again after the change" : "the spec keeps it active");
}

}  // namespace

void planNetworks(PlanState& s) {
  for (const schema::Network& n : s.in.spec.networks) planSpecNetwork(s, n);
  planDependentNetworks(s);
  if (s.in.spec.prune) planPrunedNetworks(s);
}

void finishNetworks(PlanState& s) {
  for (auto& [name, n] : s.nets.plans) {
    if (n.will.stop) draftStop(s, name, n);
    if (n.will.prune) {
      DraftId d = s.drafts.add(
          kNetUndefine, networkAction(ActionKind::undefineNetwork, name, networkSummary(*n.obs),
                                      std::nullopt, Disruption::none, kPruned));
      s.drafts.dep(d, n.drafts.stop);
      s.drafts.deps(d, s.releases.netUsers[name]);
      continue;
    }
    if (n.will.restartOnly) {
      draftStart(s, name, n, "not in the spec; started again after the change, as it was");
      continue;
    }
    if (n.def) draftSpecNetwork(s, name, n);
  }
  // Guests that start again wait for the networks they use.
  for (auto& [net, starters] : s.guests.startsWith) {
    auto it = s.nets.plans.find(net);
    if (it == s.nets.plans.end() || !it->second.drafts.start) continue;
    for (DraftId st : starters) s.drafts.dep(st, it->second.drafts.start);
  }
}

}  // namespace sriov::reconcile::planning
