// Converts an observed host into the spec that describes it (show --as-spec, rollback);
// as_spec_yaml.cpp writes it.
#include "reconcile/as_spec.h"

#include <optional>
#include <set>

#include "reconcile/domain_xml.h"
#include "reconcile/persistence.h"
#include "reconcile/state_file.h"

namespace sriov::reconcile {
namespace {

// One conversion: the state, what it is for, and the spec and notes it builds.
struct Conversion {
  const ObservedState& state;
  const HostSpecOptions& options;
  HostSpec out;

  bool rollback() const { return options.now != nullptr; }
  void note(std::string object, std::string text) {
    out.notes.push_back({std::move(object), std::move(text)});
  }
  // The {pf, index} of the VF at pci, if it is a VF of an observed PF: the PF by its label for
  // a user, by its PCI address for a rollback.
  std::optional<schema::VfRef> vfRef(const std::string& pci) const {
    for (const ObservedPf& pf : state.pfs)
      for (const ObservedVf& vf : pf.vfs)
        if (vf.pci == pci) return schema::VfRef{rollback() ? pf.pci : pf.label(), vf.index, {}};
    return std::nullopt;
  }
};

// PCI addresses running guests hold through hostdevs and hostdev interfaces, and through
// network interfaces on hostdev networks (their live XML shows the VF each one got; libvirt set
// its MAC and bound it to vfio-pci, which is no host-side setting).
std::set<std::string> heldByGuests(const ObservedState& state) {
  std::set<std::string> held;
  for (const ObservedDomain& domain : state.domains) {
    if (domain.state == DomainState::shutoff) continue;
    for (const GuestDevice& device : domain.liveDevices) {
      if (!device.pci.empty()) held.insert(device.pci);
    }
    Result<std::vector<GuestDevice>> live = parseGuestDevices(domain.xml);
    if (!live) continue;
    for (const auto& [index, pci] : restoreNetworkInterfaces(*live, domain.configDevices))
      held.insert(pci);
  }
  return held;
}

// The kernel's settings of a new VF, which --as-spec leaves out.
VfNetlink kernelDefaults() {
  VfNetlink v;
  v.spoofCheck = true;
  v.trust = false;
  return v;
}

// The VF's settings that differ from base as a vfs entry; nullopt when none do. cur: the VF now
// (rollback; nullptr when it is re-created), whose driver a rollback restores.
std::optional<schema::VfEntry> vfEntry(const Conversion& c, const ObservedVf& vf,
                                       const VfNetlink& base, const ObservedVf* cur) {
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
  bool driver = c.rollback() ? !vf.driver.empty() && (!cur || cur->driver != vf.driver)
                             : vf.driver == "vfio-pci";
  if (driver) s.driver = vf.driver;
  bool any = s.mac || s.vlan || s.spoofCheck || s.trust || s.linkState || s.minTxRate || s.driver;
  if (!any) return std::nullopt;
  return e;
}

const ObservedVf* vfOf(const ObservedPf* pf, unsigned index) {
  return pf && index < pf->vfs.size() ? &pf->vfs[index] : nullptr;
}

schema::Pf pfSpec(const Conversion& c, const ObservedPf& pf, const std::set<std::string>& held) {
  schema::Pf p;
  if (!pf.name.empty()) p.name = pf.name;
  p.pci = pf.pci;
  p.numVfs = pf.numVfs;
  const ObservedPf* now = c.rollback() ? c.options.now->findPf(pf.pci) : nullptr;
  bool recreated = !now || now->numVfs != pf.numVfs;
  if (c.rollback()) {
    p.persist = false;  // the file itself is restored as it was
    if (!pf.name.empty()) p.linkUp = pf.linkUp;
  } else {
    // persist: true only where the persistence rules already re-create this PF's VFs, so that
    // applying the printed spec changes nothing.
    auto rules = c.state.files.find(kDefaultPersistFile);
    p.persist = rules != c.state.files.end() &&
                rules->second.find("\"" + pf.pci + "\"") != std::string::npos;
  }
  const VfNetlink fresh, defaults = kernelDefaults();
  for (const ObservedVf& vf : pf.vfs) {
    if (!c.rollback() && held.count(vf.pci)) continue;
    const ObservedVf* cur = recreated ? nullptr : vfOf(now, vf.index);
    const VfNetlink& base = c.rollback() ? (cur ? cur->settings : fresh) : defaults;
    if (std::optional<schema::VfEntry> e = vfEntry(c, vf, base, cur)) p.vfs.push_back(*e);
  }
  return p;
}

// The first VF (PCI address) the list holds twice, "" when none: libvirt refuses such a
// definition ("PCI device ... is in use"), and a spec gives a VF to one user only.
std::string twiceHeld(const std::vector<std::string>& pcis) {
  std::set<std::string> seen;
  for (const std::string& pci : pcis)
    if (!pci.empty() && !seen.insert(pci).second) return pci;
  return "";
}

void addNetworks(Conversion& c) {
  for (const ObservedNetwork& n : c.state.networks) {
    if (n.forwardMode != "hostdev") continue;
    // A network sriov-apply did not define would make apply refuse (it is not taken over
    // without --force): left out, and said so at the top.
    if (!n.owned) {
      c.note("", "network '" + n.name +
                     "' was not defined by sriov-apply; to manage it, add it under networks and "
                     "apply once with --force");
      continue;
    }
    if (std::string twice = twiceHeld(n.vfs); !twice.empty() && !c.rollback()) {
      for (const std::string& pci : n.vfs)
        c.note("", "network '" + n.name + "' pools " + twice + " twice, which libvirt refuses; " +
                       pci + " is left out with the network");
      continue;
    }
    schema::Network net;
    net.name = n.name;
    if (!n.pfDev.empty()) {
      const ObservedPf* pf = c.rollback() ? c.state.findPf(n.pfDev) : nullptr;
      net.pf = pf ? pf->pci : n.pfDev;
    }
    // --as-spec: a <pf dev> pool is the PF; a rollback also restores the addresses listed.
    bool listed = n.pfDev.empty() || c.rollback();
    for (const std::string& pci : listed ? n.vfs : std::vector<std::string>()) {
      if (std::optional<schema::VfRef> ref = c.vfRef(pci))
        net.vfs.push_back(*ref);
      else
        c.note("network " + n.name, pci + " is not a VF of a PF on this host; left out");
    }
    net.managed = n.managed;
    net.vlan = n.vlan;
    net.vlanTrunk = n.vlanForm;
    net.autostart = n.autostart;
    net.active = n.active;
    c.out.spec.networks.push_back(net);
  }
}

// A device as a note names it: "<hostdev> at 0000:03:10.0".
std::string deviceText(const GuestDevice& dev) {
  switch (dev.kind) {
    case GuestDevice::Kind::hostdev:
      return "<hostdev> at " + dev.pci;
    case GuestDevice::Kind::hostdevInterface:
      return "<interface type='hostdev'> at " + dev.pci;
    case GuestDevice::Kind::networkInterface:
      break;
  }
  return "<interface type='network'> of " + dev.network;
}

// The device as an entry of g, on the VF it is on (a rollback keeps its alias).
void addDevice(Conversion& c, schema::Guest& g, const GuestDevice& dev, bool liveOnly) {
  std::optional<schema::VfRef> ref = c.vfRef(dev.pci);
  std::string alias = c.rollback() ? dev.alias : "";
  if (dev.kind == GuestDevice::Kind::hostdev) {
    schema::Hostdev h;
    h.alias = alias;
    h.liveOnly = liveOnly;
    if (ref)
      h.vf = *ref;
    else
      h.pci = dev.pci;
    h.managed = dev.managed;
    g.hostdevs.push_back(h);
    return;
  }
  schema::Interface i;
  i.alias = alias;
  i.liveOnly = liveOnly;
  if (dev.kind == GuestDevice::Kind::networkInterface) {
    const ObservedNetwork* network = c.state.findNetwork(dev.network);
    bool sriov = network && network->forwardMode == "hostdev";
    if (!sriov && !c.rollback()) return;  // not SR-IOV
    if (!c.rollback() && !c.out.spec.findNetwork(dev.network)) {
      c.note("guest " + g.name, deviceText(dev) +
                                    ": the network is left out (see above); left "
                                    "out, kept as it is");
      return;
    }
    i.kind = schema::Interface::Kind::network;
    i.network = dev.network;
  } else if (ref) {
    i.kind = schema::Interface::Kind::vf;
    i.vf = *ref;
    i.managed = dev.managed;
  } else {
    // A hostdev interface on a device that is not a VF: never sriov-apply's to change.
    c.note("guest " + g.name, "<interface type='hostdev'> at " + dev.pci +
                                  " is not a VF of a PF on this host; left out");
    return;
  }
  if (dev.virtualport && dev.virtualport->type.empty() && !c.rollback()) {
    c.note("guest " + g.name, deviceText(dev) +
                                  " has a <virtualport> without a type (libvirt finds it out "
                                  "when the guest starts), which a spec cannot say; left out, "
                                  "kept as it is");
    return;
  }
  if (dev.vlan && dev.virtualport && !c.rollback()) {
    // libvirt refuses to start a guest with this interface (virHostdevNetConfigReplace); a spec
    // cannot say it either: the guest keeps it as it is.
    c.note("guest " + g.name, deviceText(dev) + " has vlan " + std::to_string(*dev.vlan) +
                                  " and a virtualport '" + dev.virtualport->type +
                                  "', which libvirt refuses when the guest starts (\"direct "
                                  "setting of the vlan tag is not allowed for hostdev devices "
                                  "using " +
                                  dev.virtualport->type + " mode\"); left out, kept as it is");
    return;
  }
  if (!dev.mac.empty()) i.mac = dev.mac;
  i.vlan = dev.vlan;
  i.vlanTrunk = dev.vlanForm;
  i.virtualport = dev.virtualport;
  g.interfaces.push_back(i);
}

// --as-spec: a guest whose config holds one VF twice is left out, each device said.
bool leftOutForTwice(Conversion& c, const ObservedDomain& d) {
  std::vector<std::string> pcis;
  for (const GuestDevice& dev : d.configDevices) pcis.push_back(dev.pci);
  std::string twice = twiceHeld(pcis);
  if (twice.empty()) return false;
  for (const GuestDevice& dev : d.configDevices)
    if (!dev.pci.empty())
      c.note("guest " + d.name, deviceText(dev) + ": the config holds " + twice +
                                    " twice, which libvirt refuses; the guest is left out");
  return true;
}

bool inConfig(const ObservedDomain& d, const GuestDevice& dev) {
  for (const GuestDevice& c : d.configDevices)
    if ((!dev.alias.empty() && c.alias == dev.alias) ||
        (c.kind == dev.kind && c.pci == dev.pci && c.network == dev.network && c.mac == dev.mac))
      return true;
  return false;
}

// A rollback restores only the guests the failed apply changed: a running guest whose config and
// live devices differ on purpose is left alone.
bool unchangedSince(const ObservedDomain& d, const ObservedState& now) {
  const ObservedDomain* n = now.findDomain(d.name);
  return n && n->running() == d.running() && n->configDevices == d.configDevices &&
         (!d.running() || n->liveDevices == d.liveDevices);
}

void addGuests(Conversion& c) {
  for (const ObservedDomain& d : c.state.domains) {
    if (c.rollback() && unchangedSince(d, *c.options.now)) continue;
    schema::Guest g;
    g.name = d.name;
    size_t notes = c.out.notes.size();
    if (!d.unreadable.empty()) {
      if (!c.rollback())
        c.note("", "guest " + d.name + " is left out: its SR-IOV devices cannot be read from " +
                       d.unreadable);
      continue;
    }
    if (!c.rollback() && leftOutForTwice(c, d)) {
      c.out.spec.guests.push_back(g);  // its name and the notes only
      continue;
    }
    for (const GuestDevice& dev : d.configDevices) addDevice(c, g, dev, false);
    if (c.rollback()) {
      g.running = d.running();
      g.exactLive = true;
      // Devices the running guest had live only (hot-plugged without the config): live again.
      if (d.running())
        for (const GuestDevice& dev : d.liveDevices)
          if (!inConfig(d, dev)) addDevice(c, g, dev, true);
    } else if (g.interfaces.empty() && g.hostdevs.empty() && c.out.notes.size() == notes) {
      continue;
    }
    c.out.spec.guests.push_back(g);
  }
}

}  // namespace

HostSpec hostSpec(const ObservedState& observed, const HostSpecOptions& options) {
  ObservedState sorted;
  if (!options.now) {
    sorted = observed;
    sortState(sorted);
  }
  Conversion c{options.now ? observed : sorted, options, {}};
  schema::Spec& spec = c.out.spec;
  if (c.rollback()) {
    spec.file = "(the state before this apply)";
    spec.prune = true;
  } else if (!c.state.hostname.empty()) {
    spec.host = c.state.hostname;
  }
  const std::set<std::string> held = heldByGuests(c.state);
  for (const ObservedPf& pf : c.state.pfs) spec.pfs.push_back(pfSpec(c, pf, held));
  addNetworks(c);
  addGuests(c);
  if (c.rollback()) {
    std::string file = options.persistFile.empty() ? kDefaultPersistFile : options.persistFile;
    auto rules = c.state.files.find(file);
    if (rules != c.state.files.end())
      spec.persistenceContent = rules->second;
    else
      spec.removePersistence = true;
  }
  return std::move(c.out);
}

}  // namespace sriov::reconcile
