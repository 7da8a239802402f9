// Hot-plug capacity check: the live attaches of each running guest against its free PCI slots.
#include "reconcile/planning/hotplug_capacity.h"

#include <algorithm>
#include <map>
#include <string>

namespace sriov::reconcile::planning {

namespace {

std::string slots(unsigned n) {
  return std::to_string(n) + " free hot-pluggable PCI " + (n == 1 ? "slot" : "slots");
}

}  // namespace

std::vector<Finding> hotplugCapacityFindings(const std::vector<Action>& actions,
                                             const ObservedState& observed) {
  struct Use {
    long now = 0, peak = 0;
  };
  std::map<std::string, Use> uses;  // guest -> slots taken so far in plan order
  for (const Action& a : actions) {
    if ((a.kind != ActionKind::attachDevice && a.kind != ActionKind::detachDevice) || !a.scope.live)
      continue;
    Use& u = uses[a.name];
    u.now += a.kind == ActionKind::attachDevice ? 1 : -1;
    u.peak = std::max(u.peak, u.now);
  }
  std::vector<Finding> out;
  for (const auto& [name, u] : uses) {
    const ObservedDomain* dom = observed.findDomain(name);
    if (!dom || !dom->freeHotplugSlots || u.peak <= static_cast<long>(*dom->freeHotplugSlots))
      continue;
    unsigned free = *dom->freeHotplugSlots;
    out.push_back({FindingSeverity::error, "guest/" + name,
                   "guest '" + name + "' has " + slots(free) + ", but the plan needs " +
                       std::to_string(u.peak) +
                       " for the devices it attaches to it live; libvirt would fail the attach "
                       "(\"No more available PCI "
                       "slots\") mid-apply: add one <controller type='pci' "
                       "model='pcie-root-port'/> per device to its config (virsh edit " +
                       name +
                       "), then restart the guest once; or plan it for the config and a restart "
                       "(onDisruption: restart, when the plan takes a device of the guest "
                       "away)"});
  }
  return out;
}

}  // namespace sriov::reconcile::planning
