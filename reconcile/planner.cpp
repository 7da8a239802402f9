// The planner: compares the spec with the observed host and drafts actions in safe phases
// (guests let go, networks stop, VF counts change, VFs are set up, networks start, devices come
// back, guests start), with explicit dependencies so independent branches can run in parallel.
#include "reconcile/planner.h"

#include <algorithm>
#include <map>
#include <set>

#include "reconcile/device_xml.h"
#include "reconcile/domain_xml.h"
#include "reconcile/preflight.h"
#include "schema/pci_address.h"

namespace sriov::reconcile {

std::string stableMac(const std::string& host, const std::string& guest, const std::string& slot) {
  uint64_t hash = 1469598103934665603ull;  // FNV-1a 64
  for (const std::string* part : {&host, &guest, &slot}) {
    for (char c : *part) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ull;
    }
    hash ^= 0;
    hash *= 1099511628211ull;
  }
  char buf[18];
  std::snprintf(buf, sizeof buf, "52:54:00:%02x:%02x:%02x",
                static_cast<unsigned>(hash >> 16) & 0xff, static_cast<unsigned>(hash >> 8) & 0xff,
                static_cast<unsigned>(hash) & 0xff);
  return buf;
}

namespace {

// Execution phases; actions are ordered by phase, then target, then kind.
enum Phase {
  kPreGuest,     // guests let go of VFs whose PF re-creates them (detach live, shut down)
  kDetach,       // devices the spec changed, moved or pruned
  kNetStop,      // networks stop (pool re-read, redefinition, deactivation, prune)
  kNetUndefine,  // pruned networks
  kZero,         // sriov_numvfs = 0
  kCount,        // sriov_numvfs = N
  kVf,           // PF link up, VF settings, VF drivers
  kPersist,      // udev rules
  kNetDefine,    // define / redefine, autostart
  kNetStart,     // networks start (libvirt reads the VF list now)
  kAttach,       // devices attached or updated
  kStartGuest,   // guests shut down for the change start again
};

struct Draft {
  Action action;
  Phase phase;
  std::set<size_t> deps;  // draft indices
};

std::string onOff(bool b) {
  return b ? "on" : "off";
}

std::string deviceSummary(const GuestDevice& d) {
  std::string out;
  switch (d.kind) {
    case GuestDevice::Kind::hostdevInterface:
      out = "hostdev interface " + d.pci;
      break;
    case GuestDevice::Kind::networkInterface:
      out = "interface on network " + d.network;
      break;
    case GuestDevice::Kind::hostdev:
      out = "hostdev " + d.pci;
      break;
  }
  if (!d.mac.empty()) out += " mac " + d.mac;
  if (d.vlan) out += " vlan " + std::to_string(*d.vlan);
  if (d.virtualport) {
    out += " virtualport " + d.virtualport->type;
    if (d.virtualport->profileid) out += " " + *d.virtualport->profileid;
  }
  return out;
}

std::string networkSummary(const NetworkDefinition& n) {
  std::string out = "hostdev pool of ";
  if (!n.pfDev.empty()) {
    out += "pf " + n.pfDev;
  } else {
    out += std::to_string(n.vfs.size()) + " VF" + (n.vfs.size() == 1 ? "" : "s");
    for (const std::string& vf : n.vfs) out += " " + vf;
  }
  out += n.managed ? ", managed" : ", unmanaged";
  if (n.vlan) out += ", vlan " + std::to_string(*n.vlan);
  return out;
}

std::string networkSummary(const ObservedNetwork& n) {
  if (n.forwardMode != "hostdev")
    return "forward mode " + (n.forwardMode.empty() ? "none" : n.forwardMode);
  NetworkDefinition d{n.name, "", n.pfDev, n.vfs, n.managed, n.vlan};
  return networkSummary(d);
}

bool sameDevice(const GuestDevice& a, const GuestDevice& b) {
  return a.kind == b.kind && a.pci == b.pci && a.network == b.network && a.mac == b.mac &&
         a.vlan == b.vlan && a.virtualport == b.virtualport && a.managed == b.managed;
}

bool sameSource(const GuestDevice& observed, const GuestDevice& want) {
  if (observed.kind != want.kind) return false;
  if (want.kind == GuestDevice::Kind::networkInterface)
    return observed.network == want.network && observed.mac == want.mac;
  return observed.pci == want.pci;
}

bool isInterface(const GuestDevice& d) {
  return d.kind != GuestDevice::Kind::hostdev;
}

std::string vfChangeText(const VfChange& c) {
  std::vector<std::string> parts;
  if (c.mac) parts.push_back("mac " + *c.mac);
  if (c.vlan) parts.push_back("vlan " + std::to_string(*c.vlan));
  if (c.qos) parts.push_back("qos " + std::to_string(*c.qos));
  if (c.spoofCheck) parts.push_back("spoofchk " + onOff(*c.spoofCheck));
  if (c.trust) parts.push_back("trust " + onOff(*c.trust));
  if (c.linkState) parts.push_back(std::string("state ") + schema::toString(*c.linkState));
  if (c.minTxRate) parts.push_back("min_tx_rate " + std::to_string(*c.minTxRate));
  if (c.maxTxRate) parts.push_back("max_tx_rate " + std::to_string(*c.maxTxRate));
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

class Planner {
 public:
  Planner(const schema::Spec& spec, const ObservedState& obs, const PlanOptions& options)
      : spec_(spec), obs_(obs), options_(options) {}

  Plan run() {
    findings_ = preflight(spec_, obs_, options_.takeOverNetworks ? TakeOver::yes : TakeOver::no);
    resolvePfs();
    planVfCounts();
    planVfSetup();
    planNetworks();
    planGuests();
    planDriversAfterRelease();
    planPersistence();
    checkPoolCapacity();
    finishNetworks();
    checkConflicts();
    return finish();
  }

 private:
  struct PfPlan {
    const schema::Pf* spec = nullptr;
    const ObservedPf* obs = nullptr;
    bool recreate = false;  // VFs exist and are destroyed (count to 0, maybe then to N)
    bool changes = false;   // the count changes at all
    std::optional<size_t> zero, count;
    std::vector<size_t> pre;  // drafts that must finish before VFs disappear
  };

  // ---- drafting ----------------------------------------------------------------------------

  size_t add(Phase phase, Action a) {
    drafts_.push_back({std::move(a), phase, {}});
    return drafts_.size() - 1;
  }
  void dep(size_t draft, std::optional<size_t> on) {
    if (on && *on != draft) drafts_[draft].deps.insert(*on);
  }
  void deps(size_t draft, const std::vector<size_t>& on) {
    for (size_t o : on) dep(draft, o);
  }

  // ---- PFs -----------------------------------------------------------------------------------

  void resolvePfs() {
    for (const schema::Pf& p : spec_.pfs) {
      PfPlan plan;
      plan.spec = &p;
      plan.obs = resolvePf(obs_, p);
      pfs_.push_back(plan);
    }
    // Indexes by VF address (pfs_ does not grow any more): lookups stay cheap on big hosts.
    for (PfPlan& p : pfs_) {
      if (!p.obs) continue;
      for (unsigned i = 0; i < std::max<unsigned>(p.spec->numVfs, p.obs->numVfs); ++i)
        vfOwner_.emplace(futureVfPci(*p.obs, i), &p);
      for (const ObservedVf& vf : p.obs->vfs) observedVf_.emplace(vf.pci, std::pair{&p, vf.index});
    }
    for (const ObservedDomain& d : obs_.domains) {
      auto note = [&](const GuestDevice& dev) {
        if (dev.pci.empty()) return;
        std::vector<const ObservedDomain*>& list = holders_[dev.pci];
        if (list.empty() || list.back() != &d) list.push_back(&d);
      };
      for (const GuestDevice& dev : d.configDevices) note(dev);
      if (d.running())
        for (const GuestDevice& dev : d.liveDevices) note(dev);
    }
  }

  PfPlan* pfPlanFor(const std::string& ref) {
    auto known = pfByRef_.find(ref);
    if (known != pfByRef_.end()) return known->second;
    const schema::Pf* p = spec_.findPf(ref);
    PfPlan* plan = p ? &pfs_[static_cast<size_t>(p - spec_.pfs.data())] : nullptr;
    if (plan && !plan->obs) plan = nullptr;
    pfByRef_.emplace(ref, plan);
    return plan;
  }

  const schema::Guest* specGuest(const std::string& name) const {
    auto it = guests_.find(name);
    return it == guests_.end() ? nullptr : it->second;
  }

  // The PCI address VF index of pf will have after the plan.
  static std::string futureVfPci(const ObservedPf& pf, unsigned index) {
    if (index < pf.vfs.size()) return pf.vfs[index].pci;
    std::optional<schema::PciAddress> a = schema::PciAddress::parse(pf.pci);
    if (!a) return "";
    return a->plusRoutingId(pf.vfOffset + pf.vfStride * index).str();
  }

  PfPlan* pfOwningVf(const std::string& pci) {
    auto it = vfOwner_.find(pci);
    return it == vfOwner_.end() ? nullptr : it->second;
  }

  void planVfCounts() {
    for (PfPlan& p : pfs_) {
      if (!p.obs || !canSetCount(*p.obs, *p.spec)) continue;
      unsigned from = p.obs->numVfs, to = p.spec->numVfs;
      if (from == to) continue;
      p.changes = true;
      std::string target = "pf/" + p.obs->label();
      if (from > 0) {
        p.recreate = true;
        for (const ObservedVf& vf : p.obs->vfs) recreatedVfs_.insert(vf.pci);
        Action a;
        a.kind = ActionKind::setNumVfs;
        a.target = target;
        a.from = std::to_string(from);
        a.to = "0";
        a.disruption = Disruption::recreate;
        a.pfPci = p.obs->pci;
        a.count = 0;
        a.reason = to == 0 ? "the spec wants no VFs"
                           : "the VF count changes from " + std::to_string(from) + " to " +
                                 std::to_string(to) + ": the kernel needs 0 first";
        p.zero = add(kZero, a);
      }
      if (to > 0) {
        Action a;
        a.kind = ActionKind::setNumVfs;
        a.target = target;
        a.from = std::to_string(p.recreate ? 0 : from);
        a.to = std::to_string(to);
        a.disruption = p.recreate ? Disruption::recreate : Disruption::none;
        a.pfPci = p.obs->pci;
        a.count = to;
        a.reason = p.recreate ? "re-create the VFs with the new count"
                              : "create " + std::to_string(to) + " VFs";
        p.count = add(kCount, a);
        dep(*p.count, p.zero);
      }
    }
  }

  bool canSetCount(const ObservedPf& obs, const schema::Pf& spec) const {
    return spec.numVfs <= obs.totalVfs && (!obs.driver.empty() || spec.numVfs == obs.numVfs);
  }

  // After the count: PF link up, each VF's settings and driver.
  void planVfSetup() {
    for (PfPlan& p : pfs_) {
      if (!p.obs || !canSetCount(*p.obs, *p.spec)) continue;
      std::string label = p.obs->label();
      bool wantUp = p.spec->linkUp.value_or(p.obs->linkUp || p.spec->numVfs > 0);
      if (!p.obs->name.empty() && p.obs->linkUp != wantUp) {
        Action a;
        a.kind = ActionKind::setLinkUp;
        a.target = "pf/" + label;
        a.from = p.obs->linkUp ? "up" : "down";
        a.to = wantUp ? "up" : "down";
        a.disruption = Disruption::link;
        a.pfPci = p.obs->pci;
        a.reason = wantUp ? "VFs have no link while their PF is down" : "it was down before";
        linkUp_[p.obs->pci] = add(kVf, a);
      }
      for (const schema::VfEntry& e : p.spec->vfs) {
        for (unsigned i = e.first; i <= e.last && i < p.spec->numVfs; ++i)
          vfSetup(p, i, e.settings);
      }
    }
  }

  void vfSetup(PfPlan& p, unsigned index, const schema::VfSettings& want) {
    // A VF that is (re-)created starts from the driver's defaults: set everything the spec says.
    bool fresh = p.recreate || index >= p.obs->vfs.size();
    VfNetlink have = fresh ? VfNetlink{} : p.obs->vfs[index].settings;
    std::string target = "vf/" + p.obs->label() + "/" + std::to_string(index);
    std::string vfPci = futureVfPci(*p.obs, index);
    VfChange change, before;
    if (want.mac && (fresh || *want.mac != have.mac)) {
      change.mac = want.mac;
      before.mac = have.mac;
    }
    if (want.vlan || want.qos) {
      unsigned vlan = want.vlan.value_or(have.vlan), qos = want.qos.value_or(have.qos);
      if (fresh || vlan != have.vlan || qos != have.qos) {
        change.vlan = vlan;
        change.qos = qos;
        before.vlan = have.vlan;
        before.qos = have.qos;
      }
    }
    if (want.spoofCheck && (fresh || have.spoofCheck != want.spoofCheck)) {
      change.spoofCheck = want.spoofCheck;
      before.spoofCheck = have.spoofCheck;
    }
    if (want.trust && (fresh || have.trust != want.trust)) {
      change.trust = want.trust;
      before.trust = have.trust;
    }
    if (want.linkState && (fresh || have.linkState != *want.linkState)) {
      change.linkState = want.linkState;
      before.linkState = have.linkState;
    }
    if (want.minTxRate || want.maxTxRate) {
      uint32_t lo = want.minTxRate.value_or(have.minTxRate),
               hi = want.maxTxRate.value_or(have.maxTxRate);
      if (fresh || lo != have.minTxRate || hi != have.maxTxRate) {
        change.minTxRate = lo;
        change.maxTxRate = hi;
        before.minTxRate = have.minTxRate;
        before.maxTxRate = have.maxTxRate;
      }
    }
    std::string to = vfChangeText(change);
    if (!to.empty()) {
      Action a;
      a.kind = ActionKind::setVf;
      a.target = target;
      a.from = fresh ? std::optional<std::string>() : vfChangeText(before);
      a.to = to;
      a.disruption = fresh ? Disruption::none : Disruption::attribute;
      a.pfPci = p.obs->pci;
      a.vfIndex = index;
      a.change = change;
      a.reason = fresh ? "settings of a new VF" : "VF settings differ from the spec";
      size_t d = add(kVf, a);
      dep(d, p.count);
      // igb refuses a tx rate while its PF is down: settings wait for the PF's link.
      if (linkUp_.count(p.obs->pci)) dep(d, linkUp_[p.obs->pci]);
      vfSetup_[vfPci].push_back(d);
    }
    std::string haveDriver = fresh ? "" : p.obs->vfs[index].driver;
    if (want.driver && *want.driver != haveDriver) {
      Action a;
      a.kind = ActionKind::bindVfDriver;
      a.target = target;
      a.from = haveDriver.empty() ? std::optional<std::string>() : haveDriver;
      a.to = *want.driver;
      a.disruption = fresh ? Disruption::none : Disruption::link;
      a.vfPci = vfPci;
      a.driver = *want.driver;
      a.reason = "the spec binds this VF to " + *want.driver;
      size_t d = add(kVf, a);
      dep(d, p.count);
      // Settings go through the PF while the VF still has its own driver.
      for (size_t s : vfSetup_[vfPci]) dep(d, s);
      vfSetup_[vfPci].push_back(d);
    }
  }

  void planPersistence() {
    std::vector<PersistedPf> rules;
    for (const PfPlan& p : pfs_) {
      if (!p.obs || !p.spec->persist) continue;
      // A count the host cannot take (refused by preflight) is not written either.
      unsigned count = canSetCount(*p.obs, *p.spec) ? p.spec->numVfs : p.obs->numVfs;
      if (count > 0) rules.push_back({p.obs->name, p.obs->pci, count});
    }
    auto current = obs_.files.find(options_.persistFile);
    if (spec_.removePersistence) {
      if (current == obs_.files.end()) return;
      Action a;
      a.kind = ActionKind::writePersistence;
      a.target = "file" + options_.persistFile;
      a.from = "present";
      a.disruption = Disruption::none;
      a.path = options_.persistFile;
      a.reason = "it was not there before";
      size_t d = add(kPersist, a);
      for (const PfPlan& p : pfs_) dep(d, p.count);
      return;
    }
    if (rules.empty() && current == obs_.files.end() && !spec_.persistenceContent) return;
    std::string content =
        spec_.persistenceContent ? *spec_.persistenceContent : persistenceRules(rules);
    if (current != obs_.files.end() && current->second == content) return;
    Action a;
    a.kind = ActionKind::writePersistence;
    a.target = "file" + options_.persistFile;
    if (current != obs_.files.end()) a.from = "outdated";
    std::string to;
    for (const PersistedPf& r : rules)
      to += (to.empty() ? "" : ", ") + (r.netdev.empty() ? r.pci : r.netdev) + "=" +
            std::to_string(r.numVfs);
    a.to = to.empty() ? "no PFs" : to;
    a.disruption = Disruption::none;
    a.path = options_.persistFile;
    a.content = content;
    a.reason = "VF counts survive a reboot through this udev rules file";
    size_t d = add(kPersist, a);
    for (const PfPlan& p : pfs_) {
      dep(d, p.zero);
      dep(d, p.count);
    }
  }

  // ---- networks ------------------------------------------------------------------------------

  struct NetPlan {
    const schema::Network* spec = nullptr;
    const ObservedNetwork* obs = nullptr;
    std::optional<NetworkDefinition> def;  // unset when it cannot be resolved
    std::set<PfPlan*> pools;               // PFs whose VFs it hands out
    bool stop = false, define = false, start = false, prune = false;
    bool restartOnly = false;  // not in the spec: restarted because its PF re-creates its VFs
    std::optional<size_t> stopDraft, defineDraft, startDraft;
    std::vector<size_t> users;  // detaches of guests' interfaces on it, before it stops
  };

  void planNetworks() {
    for (const schema::Network& n : spec_.networks) {
      NetPlan plan;
      plan.spec = &n;
      plan.obs = obs_.findNetwork(n.name);
      if (plan.obs && !plan.obs->owned && !options_.takeOverNetworks) {
        nets_[n.name] = plan;
        continue;  // reported by preflight
      }
      NetworkDefinition def;
      def.name = n.name;
      if (plan.obs) def.uuid = uuidOf(plan.obs->xml);
      def.managed = n.managed;
      def.vlan = n.vlan;
      bool resolved = true;
      if (n.pf) {
        PfPlan* p = pfPlanFor(*n.pf);
        resolved = p && !p->obs->name.empty();
        if (resolved) {
          def.pfDev = p->obs->name;
          plan.pools.insert(p);
        }
      }
      for (const schema::VfRef& ref : n.vfs) {
        PfPlan* p = pfPlanFor(ref.pf);
        if (!p) {
          resolved = false;
          continue;
        }
        def.vfs.push_back(futureVfPci(*p->obs, ref.index));
        plan.pools.insert(p);
      }
      if (resolved) plan.def = def;
      bool poolRecreated = false;
      for (const PfPlan* p : plan.pools) poolRecreated = poolRecreated || p->changes;
      if (plan.obs && plan.obs->active) {
        // A VF list of a changed count must be read again; libvirt reads it at start.
        for (const std::string& vf : plan.obs->vfs)
          poolRecreated = poolRecreated || recreatedVfs_.count(vf);
      }
      bool differs = plan.def && (!plan.obs || !sameDefinition(*plan.obs, *plan.def));
      // --force takes over a network sriov-apply did not define: redefined with its mark.
      plan.define = differs || (plan.def && plan.obs && !plan.obs->owned);
      bool active = plan.obs && plan.obs->active;
      plan.stop = active && (differs || poolRecreated || !n.active);
      plan.start = n.active && plan.def && (!active || plan.stop);
      if (plan.stop) stoppedNets_.insert(n.name);
      nets_[n.name] = plan;
    }
    planDependentNetworks();
    if (!spec_.prune) return;
    for (const ObservedNetwork& o : obs_.networks) {
      if (!o.owned || spec_.findNetwork(o.name)) continue;
      for (const ObservedDomain& d : obs_.domains)
        for (const GuestDevice& dev : d.configDevices)
          if (dev.kind == GuestDevice::Kind::networkInterface && dev.network == o.name)
            findings_.push_back({FindingSeverity::warning, "network/" + o.name,
                                 "guest '" + d.name + "' has an interface on network '" + o.name +
                                     "', which prune removes; the guest will not start until it "
                                     "is changed"});
      NetPlan plan;
      plan.obs = &o;
      plan.prune = true;
      plan.stop = o.active;
      if (plan.stop) stoppedNets_.insert(o.name);
      nets_[o.name] = plan;
    }
  }

  // An active pool the spec does not describe (and prune does not remove) whose VFs the plan
  // re-creates: its guests must let go before the VFs vanish, and libvirt reads the pool again
  // only at start. It is stopped and started again around the change, nothing else.
  void planDependentNetworks() {
    for (const ObservedNetwork& o : obs_.networks) {
      if (!o.active || spec_.findNetwork(o.name) || (spec_.prune && o.owned)) continue;
      std::set<PfPlan*> pools;
      for (PfPlan& p : pfs_)
        if (p.obs && p.changes && !o.pfDev.empty() && p.obs->name == o.pfDev) pools.insert(&p);
      for (const std::string& vf : o.vfs)
        if (recreatedVfs_.count(vf))
          if (PfPlan* p = pfOwningVf(vf)) pools.insert(p);
      if (pools.empty()) continue;
      bool empty = false;
      for (const PfPlan* p : pools)
        empty = empty || (p->obs->name == o.pfDev && p->spec->numVfs == 0);
      if (empty) {
        findings_.push_back(
            {FindingSeverity::error, "network/" + o.name,
             "network '" + o.name + "' is not in the spec and pools the VFs of " + o.pfDev +
                 ", which the spec leaves without VFs; libvirt cannot run a pool without VFs: "
                 "add the network to the spec with active: false, or remove it" +
                 (o.owned ? " (prune: true)" : "")});
        continue;
      }
      NetPlan plan;
      plan.obs = &o;
      plan.pools = pools;
      plan.stop = plan.start = plan.restartOnly = true;
      stoppedNets_.insert(o.name);
      nets_[o.name] = plan;
    }
  }

  // libvirt hands each interface of a running guest its own VF of the pool, and a VF of the
  // pool given to a guest directly is not free either: a pool with fewer VFs than that cannot
  // serve them all (the attach or the start fails).
  void checkPoolCapacity() {
    // The VFs of each pool active after the plan: the spec's, and those it leaves alone.
    std::map<std::string, std::set<std::string>> pools;
    auto pfVfs = [&](const std::string& pfDev, std::set<std::string>& into) {
      for (const ObservedPf& o : obs_.pfs) {
        if (o.name.empty() || o.name != pfDev) continue;
        const PfPlan* p = pfPlanFor(o.name);
        unsigned count = p && canSetCount(o, *p->spec) ? p->spec->numVfs : o.numVfs;
        for (unsigned i = 0; i < count; ++i) into.insert(futureVfPci(o, i));
      }
    };
    for (const auto& [name, n] : nets_) {
      if (!n.spec || !n.def || !n.spec->active) continue;
      std::set<std::string>& pool = pools[name];
      pool.insert(n.def->vfs.begin(), n.def->vfs.end());
      if (!n.def->pfDev.empty()) pfVfs(n.def->pfDev, pool);
    }
    for (const ObservedNetwork& o : obs_.networks) {
      if (!o.active || o.forwardMode != "hostdev" || spec_.findNetwork(o.name) ||
          (spec_.prune && o.owned))
        continue;
      std::set<std::string>& pool = pools[o.name];
      pool.insert(o.vfs.begin(), o.vfs.end());
      if (!o.pfDev.empty()) pfVfs(o.pfDev, pool);
    }
    for (const auto& [name, pool] : pools) {
      size_t demand = 0;
      std::string users, direct;
      for (const ObservedDomain& dom : obs_.domains) {
        const schema::Guest* g = specGuest(dom.name);
        if (!(g ? g->running.value_or(dom.running()) : dom.running())) continue;
        std::vector<GuestDevice> devices = g ? desiredDevices(*g) : dom.liveDevices;
        if (g) devices.insert(devices.end(), kept_[dom.name].begin(), kept_[dom.name].end());
        size_t uses = 0;
        for (const GuestDevice& d : devices) {
          if (d.kind == GuestDevice::Kind::networkInterface && d.network == name) ++uses;
          if (d.kind != GuestDevice::Kind::networkInterface && pool.count(d.pci) && direct.empty())
            direct = "guest '" + dom.name + "' holds " + d.pci;
        }
        if (uses == 0) continue;
        demand += uses;
        users += (users.empty() ? "" : ", ") + dom.name + " " + std::to_string(uses);
      }
      if (demand > pool.size()) {
        findings_.push_back(
            {FindingSeverity::error, "network/" + name,
             "network '" + name + "' has " + std::to_string(pool.size()) + " VF" +
                 (pool.size() == 1 ? "" : "s") + ", but running guests would use " +
                 std::to_string(demand) + " (" + users +
                 "); libvirt gives each interface a VF of its own: give the pool more VFs or "
                 "the guests fewer interfaces on it"});
      }
      if (demand > 0 && !direct.empty()) {
        findings_.push_back(
            {FindingSeverity::error, "network/" + name,
             direct + " directly, but network '" + name +
                 "' hands that VF out too, and running guests use the network (" + users +
                 "); libvirt does not know the VF is taken and may give it to them: list the "
                 "pool's VFs (vfs:) without it, or give the guest a VF outside the pool"});
      }
    }
  }

  // One action on network `name`; the fields every kind of network action shares.
  static Action networkAction(ActionKind kind, const std::string& name,
                              std::optional<std::string> from, std::optional<std::string> to,
                              Disruption disruption, std::string reason) {
    Action a;
    a.kind = kind;
    a.target = "network/" + name;
    a.from = std::move(from);
    a.to = std::move(to);
    a.disruption = disruption;
    a.name = name;
    a.reason = std::move(reason);
    return a;
  }

  // Network actions, drafted after the guests so their users' detaches are known.
  void finishNetworks() {
    const std::string pruned = "owned by sriov-apply and no longer in the spec (prune)";
    for (auto& [name, n] : nets_) {
      if (n.stop) {
        std::string why = n.prune                     ? pruned
                          : n.spec && !n.spec->active ? "the spec keeps it inactive"
                          : n.define ? "its definition changes; libvirt applies it at start"
                                     : "its PF re-creates its VFs; libvirt reads the pool at start";
        n.stopDraft = add(kNetStop, networkAction(ActionKind::stopNetwork, name, "active",
                                                  "inactive", Disruption::link, why));
        deps(*n.stopDraft, n.users);
        for (PfPlan* p : n.pools) p->pre.push_back(*n.stopDraft);
      }
      if (n.prune) {
        size_t d = add(kNetUndefine,
                       networkAction(ActionKind::undefineNetwork, name, networkSummary(*n.obs),
                                     std::nullopt, Disruption::none, pruned));
        dep(d, n.stopDraft);
        deps(d, n.users);
        continue;
      }
      if (n.restartOnly) {
        n.startDraft = add(kNetStart, networkAction(ActionKind::startNetwork, name, "inactive",
                                                    "active", Disruption::none,
                                                    "not in the spec; started again after the "
                                                    "change, as it was"));
        dep(*n.startDraft, n.stopDraft);
        poolDeps(*n.startDraft, n);
        for (size_t user : networkAttaches_[name]) dep(user, n.startDraft);
        continue;
      }
      if (!n.def) continue;
      if (n.define) {
        Action a = networkAction(
            ActionKind::defineNetwork, name,
            n.obs ? std::optional<std::string>(networkSummary(*n.obs)) : std::nullopt,
            networkSummary(*n.def), Disruption::none,
            !n.obs          ? "declared in the spec"
            : !n.obs->owned ? "taken over (--force): defined again with sriov-apply's mark"
                            : "its definition differs from the spec");
        a.xml = networkXml(*n.def);
        n.defineDraft = add(kNetDefine, a);
        poolDeps(*n.defineDraft, n);  // an explicit VF list is checked at define time
      }
      bool autostartNow = n.obs ? n.obs->autostart : false;
      if (n.spec->autostart != autostartNow) {
        Action a = networkAction(ActionKind::setNetworkAutostart, name, onOff(autostartNow),
                                 onOff(n.spec->autostart), Disruption::none,
                                 "autostart differs from the spec");
        a.autostart = n.spec->autostart;
        dep(add(kNetDefine, a), n.defineDraft);
      }
      if (n.start) {
        n.startDraft = add(
            kNetStart,
            networkAction(ActionKind::startNetwork, name, "inactive", "active", Disruption::none,
                          n.stop ? "start again after the change" : "the spec keeps it active"));
        dep(*n.startDraft, n.defineDraft);
        dep(*n.startDraft, n.stopDraft);
        poolDeps(*n.startDraft, n);
        for (size_t user : networkAttaches_[name]) dep(user, n.startDraft);
      }
    }
    // Guests that start again wait for the networks they use.
    for (auto& [net, starters] : startersOf_) {
      auto it = nets_.find(net);
      if (it == nets_.end() || !it->second.startDraft) continue;
      for (size_t s : starters) dep(s, it->second.startDraft);
    }
    // Every draft that must happen before a PF's VFs vanish.
    for (PfPlan& p : pfs_)
      if (p.zero) deps(*p.zero, p.pre);
  }

  void poolDeps(size_t draft, const NetPlan& n) {
    for (const PfPlan* p : n.pools) {
      dep(draft, p->count);
      dep(draft, p->zero);
      if (linkUp_.count(p->obs->pci)) dep(draft, linkUp_[p->obs->pci]);
    }
    if (n.def)
      for (const std::string& vf : n.def->vfs) deps(draft, vfSetup_[vf]);
  }

  // ---- guests --------------------------------------------------------------------------------

  std::vector<GuestDevice> desiredDevices(const schema::Guest& g) {
    std::vector<GuestDevice> out;
    for (size_t i = 0; i < g.interfaces.size(); ++i) {
      const schema::Interface& in = g.interfaces[i];
      GuestDevice d;
      std::string slot = "net" + std::to_string(i);
      d.alias = in.alias.empty() ? "ua-sriov-" + slot : in.alias;
      d.mac = in.mac ? *in.mac : stableMac(obs_.hostname, g.name, slot);
      d.vlan = in.vlan;
      d.virtualport = in.virtualport;
      if (in.kind == schema::Interface::Kind::vf) {
        PfPlan* p = pfPlanFor(in.vf.pf);
        if (!p) continue;
        d.kind = GuestDevice::Kind::hostdevInterface;
        d.pci = futureVfPci(*p->obs, in.vf.index);
      } else {
        d.kind = GuestDevice::Kind::networkInterface;
        d.network = in.network;
      }
      out.push_back(d);
    }
    for (size_t i = 0; i < g.hostdevs.size(); ++i) {
      const schema::Hostdev& h = g.hostdevs[i];
      GuestDevice d;
      d.kind = GuestDevice::Kind::hostdev;
      d.alias = h.alias.empty() ? "ua-sriov-hostdev" + std::to_string(i) : h.alias;
      if (h.vf) {
        PfPlan* p = pfPlanFor(h.vf->pf);
        if (!p) continue;
        d.pci = futureVfPci(*p->obs, h.vf->index);
      } else if (h.pci) {
        d.pci = *h.pci;
      }
      out.push_back(d);
    }
    return out;
  }

  // Whether the VF at pci exists once the plan is done (a shrinking PF loses its last VFs).
  bool existsAfter(const std::string& pci) const {
    auto it = observedVf_.find(pci);
    if (it == observedVf_.end() || !it->second.first->changes) return true;
    return it->second.second < it->second.first->spec->numVfs;
  }

  // Whether a live device of a running guest loses its VF or its network during the plan.
  bool affected(const GuestDevice& d) const {
    if (d.kind == GuestDevice::Kind::networkInterface) return stoppedNets_.count(d.network) > 0;
    return recreatedVfs_.count(d.pci) > 0;
  }

  // The PFs and networks whose change forces d off its guest first.
  void blocks(const GuestDevice& d, size_t draft) {
    if (d.kind == GuestDevice::Kind::networkInterface) {
      auto it = nets_.find(d.network);
      if (it != nets_.end()) it->second.users.push_back(draft);
      return;
    }
    auto it = observedVf_.find(d.pci);
    if (it != observedVf_.end() && it->second.first->recreate)
      it->second.first->pre.push_back(draft);
  }

  // The drafts an attach of d waits for: its VF exists and is set up, its network runs, the
  // VF's previous holder let go of it.
  void attachDeps(size_t draft, const GuestDevice& d) {
    if (d.kind == GuestDevice::Kind::networkInterface) {
      networkAttaches_[d.network].push_back(draft);
      return;
    }
    if (PfPlan* p = pfOwningVf(d.pci)) {
      dep(draft, p->count);
      dep(draft, p->zero);
      if (linkUp_.count(p->obs->pci)) dep(draft, linkUp_[p->obs->pci]);
    }
    deps(draft, vfSetup_[d.pci]);
    takers_.push_back({draft, d.pci});  // waits for the VF's other holders: see checkConflicts
  }

  Action deviceAction(ActionKind kind, const std::string& guest, const GuestDevice& dev,
                      DeviceScope scope) {
    Action a;
    a.kind = kind;
    a.target = "guest/" + guest + "/" +
               (dev.alias.empty() ? dev.pci.empty() ? dev.network : dev.pci : dev.alias);
    a.name = guest;
    a.xml = deviceXml(dev);
    a.scope = scope;
    if (kind == ActionKind::detachDevice) {
      a.from = deviceSummary(dev);
      a.disruption = scope.live ? Disruption::detach : Disruption::none;
    } else {
      a.to = deviceSummary(dev);
      a.disruption = Disruption::none;
    }
    return a;
  }

  size_t detach(const std::string& guest, const GuestDevice& dev, DeviceScope scope, Phase phase,
                const std::string& reason) {
    Action a = deviceAction(ActionKind::detachDevice, guest, dev, scope);
    a.reason = reason;
    size_t d = add(phase, a);
    if (!dev.pci.empty()) detachesOf_[dev.pci].push_back(d);
    if (scope.live) noteRelease(dev, d);
    released_.insert({guest, dev.pci});
    return d;
  }

  size_t attach(const std::string& guest, const GuestDevice& dev, DeviceScope scope,
                const std::string& reason, std::optional<size_t> after = std::nullopt) {
    Action a = deviceAction(ActionKind::attachDevice, guest, dev, scope);
    a.reason = reason;
    size_t d = add(kAttach, a);
    attachDeps(d, dev);
    dep(d, after);
    guestAttaches_[guest].push_back(d);
    if (scope.live && !dev.pci.empty()) liveTakes_.insert(dev.pci);
    return d;
  }

  void planGuests() {
    for (const schema::Guest& g : spec_.guests) guests_.emplace(g.name, &g);
    for (const ObservedDomain& dom : obs_.domains) planGuest(dom, specGuest(dom.name));
  }

  void planGuest(const ObservedDomain& dom, const schema::Guest* g) {
    std::vector<const GuestDevice*> hit;
    if (dom.running())
      for (const GuestDevice& d : dom.liveDevices)
        if (affected(d)) hit.push_back(&d);
    std::string target = "guest/" + dom.name;
    if (!g) {
      if (hit.empty()) return;
      if (!options_.force) {
        findings_.push_back({FindingSeverity::error, target,
                             "guest '" + dom.name + "' is not in the spec but is running with " +
                                 deviceSummary(*hit.front()) +
                                 ", which the plan takes away; add it to the spec (its "
                                 "onDisruption says how) or run with --force"});
        return;
      }
      // --force: take the devices away live and give them back as they were; its config stays.
      for (const GuestDevice* d : hit) {
        size_t det = detach(dom.name, *d, {true, false}, kPreGuest,
                            "not in the spec (--force): lets go while its VF is re-created");
        blocks(*d, det);
        if (d->kind != GuestDevice::Kind::networkInterface && !existsAfter(d->pci)) {
          findings_.push_back({FindingSeverity::warning, target,
                               "guest '" + dom.name + "' loses " + deviceSummary(*d) +
                                   " for good: the VF does not exist after the change"});
          continue;
        }
        attach(dom.name, *d, {true, false}, "not in the spec (--force): given back as it was", det);
      }
      return;
    }
    if (!hit.empty() && g->onDisruption == schema::OnDisruption::refuse) {
      findings_.push_back({FindingSeverity::error, target,
                           "guest '" + dom.name +
                               "' has onDisruption: refuse, but the plan takes " +
                               deviceSummary(*hit.front()) + " away from it while it runs"});
      return;
    }
    bool restart = !hit.empty() && g->onDisruption == schema::OnDisruption::restart;
    std::optional<size_t> shutdown;
    if (restart) {
      Action a;
      a.kind = ActionKind::shutdownGuest;
      a.target = target;
      a.from = toString(dom.state);
      a.to = "shut off";
      a.disruption = Disruption::restart;
      a.name = dom.name;
      a.reason = "onDisruption: restart, and it uses " + deviceSummary(*hit.front()) +
                 ", which the plan takes away";
      shutdown = add(kPreGuest, a);
      for (const GuestDevice* d : hit) blocks(*d, *shutdown);
      releasesAll(dom, *shutdown);
    }
    bool live = dom.running() && !restart;

    // Devices the change takes away from a hotplug guest: detached live and from the config.
    std::set<const GuestDevice*> gone;
    std::map<const GuestDevice*, size_t> goneDraft;
    if (!restart) {
      for (const GuestDevice* d : hit) {
        const GuestDevice* cfg = findSame(dom.configDevices, *d);
        size_t det = detach(dom.name, *d, {true, cfg != nullptr}, kPreGuest,
                            "onDisruption: hotplug; lets go while " +
                                std::string(d->kind == GuestDevice::Kind::networkInterface
                                                ? "its network restarts"
                                                : "its VF is re-created"));
        blocks(*d, det);
        gone.insert(d);
        goneDraft[d] = det;
        if (cfg) gone.insert(cfg);
      }
    }

    std::set<std::string> liveOnly;  // aliases a rollback restores live only
    for (const schema::Interface& i : g->interfaces)
      if (i.liveOnly) liveOnly.insert(i.alias);
    for (const schema::Hostdev& h : g->hostdevs)
      if (h.liveOnly) liveOnly.insert(h.alias);

    std::set<const GuestDevice*> matched;
    for (const GuestDevice& want : desiredDevices(*g)) {
      claims_.push_back({want.pci, dom.name});
      if (!want.pci.empty()) desired_.insert({dom.name, want.pci});
      if (liveOnly.count(want.alias)) {
        if (!live) continue;  // shut off: a live-only device has nowhere to be
        const GuestDevice* lv = match(dom.liveDevices, want, matched);
        if (lv) matched.insert(lv);
        if (lv && gone.count(lv)) {
          attach(dom.name, want, {true, false}, "attached again after the change", goneDraft[lv]);
        } else if (!lv) {
          attach(dom.name, want, {true, false}, "it was attached to the running guest before");
        } else if (!sameDevice(*lv, want)) {
          size_t det = detach(dom.name, *lv, {true, false}, kDetach,
                              "replaced: the device differs from the one before");
          attach(dom.name, want, {true, false}, "as it was before", det);
        }
        continue;
      }
      const GuestDevice* cfg = match(dom.configDevices, want, matched);
      const GuestDevice* lv = live ? match(dom.liveDevices, want, matched) : nullptr;
      if (cfg) matched.insert(cfg);
      if (lv) matched.insert(lv);
      if ((cfg && gone.count(cfg)) || (lv && gone.count(lv))) {
        std::optional<size_t> after;
        if (lv && goneDraft.count(lv)) after = goneDraft[lv];
        attach(dom.name, want, {live, true}, "attached again after the change", after);
        continue;
      }
      bool cfgOk = cfg && sameDevice(*cfg, want);
      // A device in the config but not live (attached for the next boot) is left so: the
      // guest gets it when it next starts. One that is live must match.
      bool liveOk = !live || (lv ? sameDevice(*lv, want) : cfg != nullptr && !g->exactLive);
      if (cfgOk && liveOk) continue;
      if (cfgOk && live && !lv) {
        attach(dom.name, want, {true, false}, "in the config, and given back to the running guest");
        continue;
      }
      if (!cfg && !lv) {
        attach(dom.name, want, {live, true}, "the spec gives this device to the guest");
        continue;
      }
      // Settings of a shut-off guest's interface change in place; a new source is a new device.
      if (!live && cfg && sameSource(*cfg, want) && isInterface(want) && cfg->mac == want.mac) {
        Action a = deviceAction(ActionKind::updateDevice, dom.name, want, {false, true});
        a.from = deviceSummary(*cfg);
        a.reason = "the device's settings differ from the spec";
        size_t d = add(kAttach, a);
        attachDeps(d, want);
        guestAttaches_[dom.name].push_back(d);
        continue;
      }
      const GuestDevice& old = lv ? *lv : *cfg;
      size_t det = detach(dom.name, old, {lv != nullptr, cfg != nullptr}, kDetach,
                          "replaced: the device differs from the spec");
      attach(dom.name, want, {live, true}, "replaces the device that differed from the spec", det);
    }

    // A device the spec does not describe, kept (prune is off, or sriov-apply did not attach
    // it), on a VF the spec gives this guest in another device: the guest would hold it twice.
    std::set<std::string> wantedPcis;
    for (const GuestDevice& want : desiredDevices(*g))
      if (!want.pci.empty()) wantedPcis.insert(want.pci);
    std::set<std::string> keptReported;
    for (const std::vector<GuestDevice>* list : {&dom.configDevices, &dom.liveDevices}) {
      if (list == &dom.liveDevices && !dom.running()) continue;
      for (const GuestDevice& d : *list) {
        if (matched.count(&d) || !wantedPcis.count(d.pci) || (d.owned() && spec_.prune)) continue;
        const GuestDevice* twin = findSame(dom.configDevices, d);
        if (twin && matched.count(twin)) continue;
        if (!keptReported.insert(d.pci).second) continue;
        findings_.push_back(
            {FindingSeverity::error, target,
             "guest '" + dom.name + "' keeps " + deviceSummary(d) +
                 ", which the spec does not describe, on a VF the spec gives it in another "
                 "device; " +
                 (d.owned() ? "set prune: true to let sriov-apply remove it"
                            : "detach it first (sriov-apply did not attach it)")});
      }
    }

    // Devices the change took away that the spec does not (or no longer) describe: back as they
    // were. Owned devices the spec dropped: removed with prune, else left alone.
    for (const GuestDevice* d : hit) {
      if (matched.count(d) || restart) continue;
      const GuestDevice* cfg = findSame(dom.configDevices, *d);
      if (d->owned() && spec_.prune) continue;
      if (d->kind != GuestDevice::Kind::networkInterface && !existsAfter(d->pci)) {
        findings_.push_back(
            {FindingSeverity::error, target,
             "guest '" + dom.name + "' holds " + deviceSummary(*d) +
                 ", which the plan destroys, and the spec does not give it back; "
                 "set prune: true to let sriov-apply remove it" +
                 (d->owned() ? "" : ", or detach it first (sriov-apply did not attach it)")});
        continue;
      }
      attach(dom.name, *d, {true, cfg != nullptr}, "given back as it was after the change",
             goneDraft[d]);
      restored_.insert({dom.name, d->pci});
      claims_.push_back({d->pci, dom.name});
    }
    // A device left in the config on a VF the plan destroys: the guest could not start again.
    for (const GuestDevice& c : dom.configDevices) {
      if (matched.count(&c) || gone.count(&c) || c.kind == GuestDevice::Kind::networkInterface ||
          existsAfter(c.pci) || (c.owned() && spec_.prune))
        continue;
      bool reported = false;  // above, for a hotplug guest
      for (const GuestDevice* d : hit) reported = reported || (!restart && sameSource(*d, c));
      if (reported) continue;
      findings_.push_back(
          {FindingSeverity::error, target,
           "guest '" + dom.name + "' has " + deviceSummary(c) +
               " in its config, on a VF the plan destroys, and the spec does not "
               "give it back; set prune: true to let sriov-apply remove it" +
               (c.owned() ? "" : ", or detach it first (sriov-apply did not attach it)")});
    }
    if (spec_.prune) {
      std::set<std::string> done;
      for (const std::vector<GuestDevice>* list : {&dom.liveDevices, &dom.configDevices}) {
        if (list == &dom.liveDevices && !live) continue;  // shut off, or shut down to restart
        for (const GuestDevice& d : *list) {
          if (!d.owned() || matched.count(&d) || gone.count(&d) || done.count(d.alias)) continue;
          const GuestDevice* twin = findSame(dom.configDevices, d);  // the same device, config
          if (twin && (matched.count(twin) || gone.count(twin))) continue;
          done.insert(d.alias);
          bool inLive = live && findSame(dom.liveDevices, d);
          bool inConfig = findSame(dom.configDevices, d) != nullptr;
          size_t det = detach(dom.name, d, {inLive, inConfig}, kDetach,
                              "owned by sriov-apply and no longer in the spec (prune)");
          if (d.kind == GuestDevice::Kind::networkInterface) blocks(d, det);
        }
      }
    }
    bool wantRunning = g->running.value_or(dom.running());
    // What the guest keeps besides the spec's devices, for the pools' capacity.
    const std::vector<GuestDevice>& after = live ? dom.liveDevices : dom.configDevices;
    for (const GuestDevice& d : after) {
      const GuestDevice* twin = findSame(dom.configDevices, d);
      if (matched.count(&d) || (twin && matched.count(twin)) || (d.owned() && spec_.prune))
        continue;
      kept_[dom.name].push_back(d);
    }
    if (!restart && dom.running() && !wantRunning) {
      Action a;
      a.kind = ActionKind::shutdownGuest;
      a.target = target;
      a.from = toString(dom.state);
      a.to = "shut off";
      a.disruption = Disruption::restart;
      a.name = dom.name;
      a.reason = "it was shut off before";
      releasesAll(dom, add(kStartGuest, a));
    }
    if (restart || (!dom.running() && wantRunning)) {
      Action a;
      a.kind = ActionKind::startGuest;
      a.target = target;
      a.from = "shut off";
      a.to = "running";
      a.disruption = Disruption::restart;
      a.name = dom.name;
      a.reason = restart ? "started again after the change (onDisruption: restart)"
                         : "it was running before";
      size_t d = add(kStartGuest, a);
      dep(d, shutdown);
      deps(d, guestAttaches_[dom.name]);
      // It takes the VFs of its config as the plan leaves it.
      for (const GuestDevice& w : desiredDevices(*g))
        if (!w.pci.empty()) liveTakes_.insert(w.pci);
      for (const GuestDevice& c : dom.configDevices) {
        if (!c.pci.empty() && !released_.count({dom.name, c.pci})) liveTakes_.insert(c.pci);
        if (c.kind == GuestDevice::Kind::networkInterface) {
          startersOf_[c.network].push_back(d);
        } else if (PfPlan* p = pfOwningVf(c.pci)) {
          dep(d, p->count);
          deps(d, vfSetup_[c.pci]);
        }
      }
    }
  }

  // A running guest that shuts down gives its managed VFs back to their host drivers.
  void releasesAll(const ObservedDomain& dom, size_t draft) {
    for (const GuestDevice& d : dom.liveDevices) noteRelease(d, draft);
  }
  // An interface on a pool lets go of whichever VF libvirt gave it: counted per network.
  void noteRelease(const GuestDevice& d, size_t draft) {
    if (d.kind == GuestDevice::Kind::networkInterface)
      liveNetReleases_[d.network].push_back(draft);
    else if (d.managed && !d.pci.empty())
      liveReleases_[d.pci].push_back(draft);
  }

  // libvirt binds a VF it gives a guest (managed) to vfio-pci, and gives it back to its host
  // driver when the guest lets go. A VF the spec binds to a driver, which a guest lets go of
  // during the plan and nobody takes again, is bound once it is free.
  void planDriversAfterRelease() {
    for (PfPlan& p : pfs_) {
      if (!p.obs || !canSetCount(*p.obs, *p.spec) || p.recreate) continue;
      for (const schema::VfEntry& e : p.spec->vfs) {
        if (!e.settings.driver) continue;
        for (unsigned i = e.first; i <= e.last && i < p.spec->numVfs && i < p.obs->vfs.size();
             ++i) {
          const ObservedVf& vf = p.obs->vfs[i];
          std::vector<size_t> releases = liveReleases_[vf.pci];
          std::vector<std::string> pools;  // networks that may hand the VF out
          for (const ObservedNetwork& n : obs_.networks)
            if ((!n.pfDev.empty() && n.pfDev == p.obs->name) ||
                std::find(n.vfs.begin(), n.vfs.end(), vf.pci) != n.vfs.end()) {
              pools.push_back(n.name);
              for (size_t r : liveNetReleases_[n.name]) releases.push_back(r);
            }
          if (releases.empty() || liveTakes_.count(vf.pci)) continue;
          bool bound = false;
          for (size_t d : vfSetup_[vf.pci])
            bound = bound || drafts_[d].action.kind == ActionKind::bindVfDriver;
          if (bound) continue;
          Action a;
          a.kind = ActionKind::bindVfDriver;
          a.target = "vf/" + p.obs->label() + "/" + std::to_string(i);
          a.from = "host driver";  // once the guest lets go
          a.to = *e.settings.driver;
          a.disruption = Disruption::none;
          a.vfPci = vf.pci;
          a.driver = *e.settings.driver;
          a.reason =
              "libvirt gives the VF back to its host driver when the guest lets go; the "
              "spec binds it to " +
              *e.settings.driver;
          size_t d = add(kVf, a);
          deps(d, releases);
          deps(d, vfSetup_[vf.pci]);
          vfSetup_[vf.pci].push_back(d);
          for (const std::string& n : pools) {  // a guest may take it from the pool again
            for (size_t user : networkAttaches_[n]) dep(user, d);
            for (size_t starter : startersOf_[n]) dep(starter, d);
          }
        }
      }
    }
  }

  // An observed device matching want: same alias, else the same source (a device attached by
  // hand, or under another alias, is adopted rather than attached twice), else one of another
  // kind on the same VF (the spec gives that VF in another form: it is replaced).
  static const GuestDevice* match(const std::vector<GuestDevice>& list, const GuestDevice& want,
                                  const std::set<const GuestDevice*>& taken) {
    for (const GuestDevice& d : list)
      if (!taken.count(&d) && d.alias == want.alias) return &d;
    for (const GuestDevice& d : list)
      if (!taken.count(&d) && sameSource(d, want)) return &d;
    for (const GuestDevice& d : list)
      if (!taken.count(&d) && !want.pci.empty() && d.pci == want.pci) return &d;
    return nullptr;
  }

  // The same device in another list (live vs config): by alias, else by source.
  static const GuestDevice* findSame(const std::vector<GuestDevice>& list, const GuestDevice& d) {
    for (const GuestDevice& c : list)
      if (!d.alias.empty() && c.alias == d.alias) return &c;
    for (const GuestDevice& c : list)
      if (sameSource(c, d)) return &c;
    return nullptr;
  }

  void hostSideConflict(const PfPlan& p, unsigned index, const std::string& holder) {
    findings_.push_back({FindingSeverity::error,
                         "vf/" + p.obs->label() + "/" + std::to_string(index),
                         "the spec sets a mac or vlan on VF " + std::to_string(index) + " of " +
                             p.obs->label() + ", but " + holder +
                             ", and libvirt sets the VF's mac and vlan from the guest's "
                             "interface; drop the setting, or remove the interface or network "
                             "(list it, with prune: true)"});
  }

  // A VF the spec gives to a guest must not stay in another guest's configuration.
  void checkConflicts() {
    // A host-side mac or vlan on a VF that a guest keeps as an interface the spec does not
    // describe: libvirt sets that VF's mac and vlan from the interface, so the two would fight.
    for (const PfPlan& p : pfs_) {
      if (!p.obs) continue;
      for (const schema::VfEntry& e : p.spec->vfs) {
        if (!e.settings.mac && !e.settings.vlan) continue;
        for (unsigned i = e.first; i <= e.last && i < p.spec->numVfs; ++i) {
          std::string pci = futureVfPci(*p.obs, i);
          for (const ObservedDomain* held : holders_[pci]) {
            const ObservedDomain& d = *held;
            bool kept = !released_.count({d.name, pci}) || restored_.count({d.name, pci});
            bool holds = false;
            for (const GuestDevice& dev : d.configDevices)
              holds = holds || (dev.kind == GuestDevice::Kind::hostdevInterface && dev.pci == pci);
            for (const GuestDevice& dev : d.liveDevices)
              holds = holds || (d.running() && dev.kind == GuestDevice::Kind::hostdevInterface &&
                                dev.pci == pci);
            // The spec's own interface on it (a rollback restores both) is no conflict.
            if (!holds || !kept || desired_.count({d.name, pci})) continue;
            hostSideConflict(
                p, i, "guest '" + d.name + "' keeps it as an interface the spec does not describe");
          }
          // A pool the spec does not describe hands it out (validate checks the spec's own).
          for (const ObservedNetwork& n : obs_.networks) {
            if (spec_.findNetwork(n.name) || (spec_.prune && n.owned) || n.forwardMode != "hostdev")
              continue;
            bool pooled = (!n.pfDev.empty() && n.pfDev == p.obs->name) ||
                          std::find(n.vfs.begin(), n.vfs.end(), pci) != n.vfs.end();
            if (pooled)
              hostSideConflict(
                  p, i, "network '" + n.name + "', which the spec does not describe, hands it out");
          }
        }
      }
    }
    for (const auto& [draft, pci] : takers_) deps(draft, detachesOf_[pci]);
    for (const auto& [pci, guest] : claims_) {
      if (pci.empty()) continue;
      for (const ObservedDomain* held : holders_[pci]) {
        const ObservedDomain& other = *held;
        if (other.name == guest || released_.count({other.name, pci})) continue;
        bool holds = false;
        for (const GuestDevice& d : other.configDevices)
          holds = holds || (!d.pci.empty() && d.pci == pci);
        if (other.running())
          for (const GuestDevice& d : other.liveDevices)
            holds = holds || (!d.pci.empty() && d.pci == pci);
        if (!holds) continue;
        bool listed = specGuest(other.name) != nullptr;
        findings_.push_back(
            {FindingSeverity::error, "guest/" + guest,
             "the spec gives " + pci + " to guest '" + guest + "', but guest '" + other.name +
                 "' has it in its " +
                 (listed ? "configuration (not owned by sriov-apply, or prune is off)"
                         : "configuration and is not in the spec") +
                 "; remove it there first"});
      }
    }
  }

  // ---- ordering ------------------------------------------------------------------------------

  Plan finish() {
    std::vector<size_t> order(drafts_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [this](size_t a, size_t b) {
      const Draft& x = drafts_[a];
      const Draft& y = drafts_[b];
      if (x.phase != y.phase) return x.phase < y.phase;
      if (x.action.target != y.action.target) return x.action.target < y.action.target;
      return x.action.kind < y.action.kind;
    });
    std::vector<int> idOf(drafts_.size());
    for (size_t i = 0; i < order.size(); ++i) idOf[order[i]] = static_cast<int>(i + 1);
    Plan plan;
    for (size_t i : order) {
      Action a = drafts_[i].action;
      a.id = idOf[i];
      for (size_t d : drafts_[i].deps) a.after.push_back(idOf[d]);
      std::sort(a.after.begin(), a.after.end());
      plan.actions.push_back(a);
    }
    for (const Action& a : plan.actions) {
      if (a.disruption > options_.maxDisruption) {
        findings_.push_back({FindingSeverity::error, a.target,
                             "action " + std::to_string(a.id) + " (" + toString(a.kind) +
                                 ") disrupts at level " + toString(a.disruption) +
                                 ", above --max-disruption " + toString(options_.maxDisruption)});
      }
    }
    for (Finding& f : phaseFindings(plan.actions, obs_, options_.phase))
      findings_.push_back(std::move(f));
    std::stable_sort(findings_.begin(), findings_.end(), [](const Finding& a, const Finding& b) {
      if (a.severity != b.severity) return a.severity < b.severity;
      return a.target < b.target;
    });
    plan.preflight = findings_;
    return plan;
  }

  const schema::Spec& spec_;
  const ObservedState& obs_;
  const PlanOptions& options_;
  std::vector<Finding> findings_;
  std::vector<Draft> drafts_;
  std::vector<PfPlan> pfs_;
  std::map<std::string, NetPlan> nets_;
  std::set<std::string> recreatedVfs_;      // observed VF addresses that vanish during the plan
  std::map<std::string, PfPlan*> pfByRef_;  // spec reference (name, PCI form) -> PF
  std::map<std::string, const schema::Guest*> guests_;
  std::map<std::string, PfPlan*> vfOwner_;  // VF address now or after the plan -> its PF
  std::map<std::string, std::pair<PfPlan*, unsigned>> observedVf_;     // VF pci now -> PF, index
  std::map<std::string, std::vector<const ObservedDomain*>> holders_;  // VF pci -> domains
  std::set<std::string> stoppedNets_;
  std::map<std::string, size_t> linkUp_;                        // PF pci -> set-link-up
  std::map<std::string, std::vector<size_t>> vfSetup_;          // VF pci -> set-vf, bind
  std::map<std::string, std::vector<size_t>> detachesOf_;       // VF pci -> detaches
  std::map<std::string, std::vector<size_t>> liveReleases_;     // VF pci -> live let-gos
  std::map<std::string, std::vector<size_t>> liveNetReleases_;  // network -> live let-gos
  std::set<std::string> liveTakes_;
  std::map<std::string, std::vector<GuestDevice>> kept_;  // guest -> devices outside the spec // VF
                                                          // pcis a guest takes live
  std::map<std::string, std::vector<size_t>> networkAttaches_;  // network -> attaches on it
  std::map<std::string, std::vector<size_t>> guestAttaches_;    // guest -> attaches
  std::map<std::string, std::vector<size_t>> startersOf_;       // network -> guest starts
  std::set<std::pair<std::string, std::string>> released_;      // (guest, pci) detached by the plan
  std::vector<std::pair<std::string, std::string>> claims_;     // (pci, guest) the spec wants
  std::vector<std::pair<size_t, std::string>> takers_;
  std::set<std::pair<std::string, std::string>>
      restored_;  // (guest, pci) given back as it was          // (attach draft, VF pci)
  std::set<std::pair<std::string, std::string>> desired_;  // (guest, pci) the spec gives
};

}  // namespace

Plan plan(const schema::Spec& spec, const ObservedState& observed, const PlanOptions& options) {
  return Planner(spec, observed, options).run();
}

}  // namespace sriov::reconcile
