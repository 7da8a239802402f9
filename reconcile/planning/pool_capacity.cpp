// Pool-capacity check: VFs of each active pool after the plan against the running guests' use.
#include "reconcile/planning/pool_capacity.h"

#include "reconcile/planning/device_identity.h"
#include "reconcile/planning/guest_moves.h"

namespace sriov::reconcile::planning {

namespace {

using Pools = std::map<std::string, std::set<std::string>>;  // network -> VF addresses

// The VFs of PF pfDev after the plan (the spec's count when the host can take it).
void addPfVfs(PlanState& s, const std::string& pfDev, std::set<std::string>& into) {
  for (const ObservedPf& o : s.in.obs.pfs) {
    if (o.name.empty() || o.name != pfDev) continue;
    const PfPlan* p = s.pfFor(o.name);
    unsigned count = p && canSetCount(o, *p->spec) ? p->spec->numVfs : o.numVfs;
    for (unsigned i = 0; i < count; ++i) into.insert(futureVfPci(o, i));
  }
}

// The VFs of each pool active after the plan: the spec's, and those it leaves alone.
Pools activePools(PlanState& s) {
  Pools pools;
  for (const auto& [name, n] : s.nets.plans) {
    if (!n.spec || !n.def || !n.spec->active) continue;
    std::set<std::string>& pool = pools[name];
    pool.insert(n.def->vfs.begin(), n.def->vfs.end());
    if (!n.def->pfDev.empty()) addPfVfs(s, n.def->pfDev, pool);
  }
  for (const ObservedNetwork& o : s.in.obs.networks) {
    if (!o.active || o.forwardMode != "hostdev" || s.in.spec.findNetwork(o.name) ||
        (s.in.spec.prune && o.owned))
      continue;
    std::set<std::string>& pool = pools[o.name];
    pool.insert(o.vfs.begin(), o.vfs.end());
    if (!o.pfDev.empty()) addPfVfs(s, o.pfDev, pool);
  }
  return pools;
}

// How running guests use one pool: interfaces on it, and the first VF of it held directly.
struct PoolUse {
  size_t demand = 0;
  std::string users, direct;
};

PoolUse poolUse(PlanState& s, const std::string& name, const std::set<std::string>& pool) {
  PoolUse use;
  for (const ObservedDomain& dom : s.in.obs.domains) {
    const schema::Guest* g = s.guests.find(dom.name);
    if (!(g ? g->running.value_or(dom.running()) : dom.running())) continue;
    std::vector<GuestDevice> devices = g ? desiredDevices(s, *g) : dom.liveDevices;
    if (g) {
      std::vector<GuestDevice>& kept = s.guests.kept[dom.name];
      devices.insert(devices.end(), kept.begin(), kept.end());
    }
    size_t uses = 0;
    for (const GuestDevice& d : devices) {
      if (d.kind == GuestDevice::Kind::networkInterface && d.network == name) ++uses;
      if (d.kind != GuestDevice::Kind::networkInterface && pool.count(d.pci) && use.direct.empty())
        use.direct = "guest '" + dom.name + "' holds " + d.pci;
    }
    if (uses == 0) continue;
    use.demand += uses;
    use.users += (use.users.empty() ? "" : ", ") + dom.name + " " + std::to_string(uses);
  }
  return use;
}

}  // namespace

void checkPoolCapacity(PlanState& s) {
  for (const auto& [name, pool] : activePools(s)) {
    PoolUse use = poolUse(s, name, pool);
    if (use.demand > pool.size()) {
      s.findings.error("network/" + name,
                       "network '" + name + "' has " + std::to_string(pool.size()) + " VF" +
                           (pool.size() == 1 ? "" : "s") + ", but running guests would use " +
                           std::to_string(use.demand) + " (" + use.users +
                           "); libvirt gives each interface a VF of its own: give the pool more "
                           "VFs or the guests fewer interfaces on it");
    }
    if (use.demand > 0 && !use.direct.empty()) {
      s.findings.error("network/" + name,
                       use.direct + " directly, but network '" + name +
                           "' hands that VF out too, and running guests use the network (" +
                           use.users +
                           "); libvirt does not know the VF is taken and may give it to them: "
                           "list the pool's VFs (vfs:) without it, or give the guest a VF "
                           "outside the pool");
    }
  }
}

}  // namespace sriov::reconcile::planning
