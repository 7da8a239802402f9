// Building the rollback spec from the state observed before an apply, and comparing states.
#include "reconcile/rollback.h"

namespace sriov::reconcile {
namespace {

// The PF label and VF index a PCI address has among the observed PFs, if it is a VF.
std::optional<schema::VfRef> vfRefOf(const ObservedState& state, const std::string& pci) {
  for (const ObservedPf& pf : state.pfs)
    for (const ObservedVf& vf : pf.vfs)
      if (vf.pci == pci) return schema::VfRef{pf.pci, vf.index, {}};
  return std::nullopt;
}

const ObservedVf* vfOf(const ObservedPf* pf, unsigned index) {
  return pf && index < pf->vfs.size() ? &pf->vfs[index] : nullptr;
}

schema::Pf pfSpec(const ObservedPf& was, const ObservedPf* now) {
  schema::Pf p;
  if (!was.name.empty()) p.name = was.name;
  p.pci = was.pci;
  p.numVfs = was.numVfs;
  p.persist = false;  // the file itself is restored as it was
  if (!was.name.empty()) p.linkUp = was.linkUp;
  bool recreated = !now || now->numVfs != was.numVfs;
  const VfNetlink fresh;
  for (const ObservedVf& vf : was.vfs) {
    const ObservedVf* cur = recreated ? nullptr : vfOf(now, vf.index);
    const VfNetlink& base = cur ? cur->settings : fresh;
    const VfNetlink& w = vf.settings;
    schema::VfEntry e;
    e.first = e.last = vf.index;
    schema::VfSettings& s = e.settings;
    if (w.mac != base.mac) s.mac = w.mac;
    if (w.vlan != base.vlan || w.qos != base.qos) {
      s.vlan = w.vlan;
      s.qos = w.qos;
    }
    if (w.spoofCheck && w.spoofCheck != base.spoofCheck) s.spoofCheck = w.spoofCheck;
    if (w.trust && w.trust != base.trust) s.trust = w.trust;
    if (w.linkState != base.linkState) s.linkState = w.linkState;
    if (w.minTxRate != base.minTxRate || w.maxTxRate != base.maxTxRate) {
      s.minTxRate = w.minTxRate;
      s.maxTxRate = w.maxTxRate;
    }
    if (!vf.driver.empty() && (!cur || cur->driver != vf.driver)) s.driver = vf.driver;
    bool any = s.mac || s.vlan || s.spoofCheck || s.trust || s.linkState || s.minTxRate || s.driver;
    if (any) p.vfs.push_back(e);
  }
  return p;
}

// The device as a spec entry of g (by its alias, on the VF it was on).
void addDevice(schema::Guest& g, const ObservedState& before, const GuestDevice& dev,
               bool liveOnly) {
  std::optional<schema::VfRef> ref = vfRefOf(before, dev.pci);
  if (dev.kind == GuestDevice::Kind::hostdev) {
    schema::Hostdev h;
    h.alias = dev.alias;
    h.liveOnly = liveOnly;
    if (ref)
      h.vf = *ref;
    else
      h.pci = dev.pci;
    g.hostdevs.push_back(h);
    return;
  }
  schema::Interface i;
  i.alias = dev.alias;
  i.liveOnly = liveOnly;
  if (dev.kind == GuestDevice::Kind::networkInterface) {
    i.kind = schema::Interface::Kind::network;
    i.network = dev.network;
  } else if (ref) {
    i.kind = schema::Interface::Kind::vf;
    i.vf = *ref;
  } else {
    return;  // a hostdev interface on a device that is not a VF: never ours to change
  }
  if (!dev.mac.empty()) i.mac = dev.mac;
  i.vlan = dev.vlan;
  i.virtualport = dev.virtualport;
  g.interfaces.push_back(i);
}

bool inConfig(const ObservedDomain& d, const GuestDevice& dev) {
  for (const GuestDevice& c : d.configDevices)
    if ((!dev.alias.empty() && c.alias == dev.alias) ||
        (c.kind == dev.kind && c.pci == dev.pci && c.network == dev.network && c.mac == dev.mac))
      return true;
  return false;
}

}  // namespace

schema::Spec rollbackSpec(const ObservedState& before, const ObservedState& now,
                          const std::string& persistFile) {
  schema::Spec spec;
  spec.file = "(the state before this apply)";
  spec.prune = true;
  for (const ObservedPf& pf : before.pfs) spec.pfs.push_back(pfSpec(pf, now.findPf(pf.pci)));
  for (const ObservedNetwork& n : before.networks) {
    if (!n.owned || n.forwardMode != "hostdev") continue;
    schema::Network net;
    net.name = n.name;
    if (!n.pfDev.empty()) {
      const ObservedPf* pf = before.findPf(n.pfDev);
      net.pf = pf ? pf->pci : n.pfDev;
    }
    for (const std::string& pci : n.vfs)
      if (std::optional<schema::VfRef> ref = vfRefOf(before, pci)) net.vfs.push_back(*ref);
    net.managed = n.managed;
    net.vlan = n.vlan;
    net.autostart = n.autostart;
    net.active = n.active;
    spec.networks.push_back(net);
  }
  for (const ObservedDomain& d : before.domains) {
    // Only guests the failed apply changed: a running guest whose config and live devices
    // differ on purpose is left alone.
    const ObservedDomain* n = now.findDomain(d.name);
    if (n && n->running() == d.running() && n->configDevices == d.configDevices &&
        (!d.running() || n->liveDevices == d.liveDevices))
      continue;
    schema::Guest g;
    g.name = d.name;
    g.running = d.running();
    g.exactLive = true;
    for (const GuestDevice& dev : d.configDevices) addDevice(g, before, dev, false);
    // Devices the running guest had live only (hot-plugged without the config): live again.
    if (d.running())
      for (const GuestDevice& dev : d.liveDevices)
        if (!inConfig(d, dev)) addDevice(g, before, dev, true);
    spec.guests.push_back(g);
  }
  auto file = before.files.find(persistFile);
  if (file != before.files.end()) {
    spec.persistenceContent = file->second;
  } else {
    spec.removePersistence = true;
  }
  return spec;
}

namespace {

std::string onOff(bool b) {
  return b ? "true" : "false";
}

template <typename T>
void field(std::vector<std::string>& out, const std::string& what, const std::string& name,
           const T& now, const T& was) {
  if (now == was) return;
  out.push_back(what + ": " + name + " differs");
}

}  // namespace

std::vector<std::string> stateDifferences(const ObservedState& before, const ObservedState& after) {
  std::vector<std::string> out;
  for (const ObservedPf& b : before.pfs) {
    const ObservedPf* a = after.findPf(b.pci);
    std::string what = "pf " + b.pci;
    if (!a) {
      out.push_back(what + ": missing");
      continue;
    }
    if (a->numVfs != b.numVfs) {
      out.push_back(what + ": numVfs " + std::to_string(a->numVfs) + ", was " +
                    std::to_string(b.numVfs));
      continue;
    }
    field(out, what, "linkUp", a->linkUp, b.linkUp);
    for (size_t i = 0; i < b.vfs.size(); ++i) {
      std::string vf = what + " vf " + std::to_string(i);
      field(out, vf, "pci", a->vfs[i].pci, b.vfs[i].pci);
      field(out, vf, "driver", a->vfs[i].driver, b.vfs[i].driver);
      field(out, vf, "netdev", a->vfs[i].netdev, b.vfs[i].netdev);
      field(out, vf, "settings", a->vfs[i].settings, b.vfs[i].settings);
    }
  }
  for (const ObservedNetwork& b : before.networks) {
    const ObservedNetwork* a = after.findNetwork(b.name);
    std::string what = "network " + b.name;
    if (!a) {
      out.push_back(what + ": missing");
      continue;
    }
    field(out, what, "active", a->active, b.active);
    field(out, what, "autostart", a->autostart, b.autostart);
    field(out, what, "pool", a->pfDev + " " + std::to_string(a->vfs.size()),
          b.pfDev + " " + std::to_string(b.vfs.size()));
    field(out, what, "vlan", a->vlan, b.vlan);
    field(out, what, "managed", a->managed, b.managed);
    field(out, what, "owned", a->owned, b.owned);
  }
  for (const ObservedNetwork& a : after.networks)
    if (!before.findNetwork(a.name)) out.push_back("network " + a.name + ": not there before");
  for (const ObservedDomain& b : before.domains) {
    const ObservedDomain* a = after.findDomain(b.name);
    std::string what = "guest " + b.name;
    if (!a) {
      out.push_back(what + ": missing");
      continue;
    }
    if (a->running() != b.running())
      out.push_back(what + ": running " + onOff(a->running()) + ", was " + onOff(b.running()));
    field(out, what, "config devices", a->configDevices, b.configDevices);
    if (b.running()) field(out, what, "live devices", a->liveDevices, b.liveDevices);
  }
  field(out, "host", "files", after.files, before.files);
  return out;
}

}  // namespace sriov::reconcile
