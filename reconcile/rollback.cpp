// The rollback spec (the state observed before an apply, through as_spec.h's conversion), and
// comparing states.
#include "reconcile/rollback.h"

#include "reconcile/as_spec.h"

namespace sriov::reconcile {

schema::Spec rollbackSpec(const ObservedState& before, const ObservedState& now,
                          const std::string& persistFile) {
  HostSpecOptions options;
  options.now = &now;
  options.persistFile = persistFile;
  return hostSpec(before, options).spec;
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

std::vector<std::string> stateDifferences(const ObservedState& before, const ObservedState& after,
                                          VfNetdevNames names) {
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
      const std::string& netdev = a->vfs[i].netdev;
      const std::string& was = b.vfs[i].netdev;
      if (names == VfNetdevNames::compared && netdev != was)
        out.push_back(vf + ": netdev " + (netdev.empty() ? "none" : netdev) + ", was " +
                      (was.empty() ? "none" : was));
      else if (netdev.empty() != was.empty())
        out.push_back(vf + ": netdev " + (netdev.empty() ? "none" : "there") + ", was " +
                      (was.empty() ? "none" : "there"));
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
