// Device identity: future VF addresses and the rules that match observed devices to the spec's.
#include "reconcile/planning/device_identity.h"

#include "schema/pci_address.h"

namespace sriov::reconcile::planning {

std::string futureVfPci(const ObservedPf& pf, unsigned index) {
  if (index < pf.vfs.size()) return pf.vfs[index].pci;
  std::optional<schema::PciAddress> a = schema::PciAddress::parse(pf.pci);
  if (!a) return "";
  return a->plusRoutingId(pf.vfOffset + pf.vfStride * index).str();
}

bool sameDevice(const GuestDevice& a, const GuestDevice& b) {
  return a.kind == b.kind && a.pci == b.pci && a.network == b.network && a.mac == b.mac &&
         a.vlan == b.vlan && a.vlanForm == b.vlanForm && a.virtualport == b.virtualport &&
         a.managed == b.managed;
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

const GuestDevice* matchDevice(const std::vector<GuestDevice>& list, const GuestDevice& want,
                               const std::set<const GuestDevice*>& taken) {
  for (const GuestDevice& d : list)
    if (!taken.count(&d) && d.alias == want.alias) return &d;
  for (const GuestDevice& d : list)
    if (!taken.count(&d) && sameSource(d, want)) return &d;
  for (const GuestDevice& d : list)
    if (!taken.count(&d) && !want.pci.empty() && d.pci == want.pci) return &d;
  return nullptr;
}

bool sameDefinition(const ObservedNetwork& observed, const NetworkDefinition& def) {
  return observed.name == def.name && observed.forwardMode == "hostdev" &&
         observed.managed == def.managed && observed.pfDev == def.pfDev &&
         observed.vfs == def.vfs && observed.vlan == def.vlan && observed.vlanForm == def.vlanForm;
}

const GuestDevice* findSame(const std::vector<GuestDevice>& list, const GuestDevice& d) {
  for (const GuestDevice& c : list)
    if (!d.alias.empty() && c.alias == d.alias) return &c;
  for (const GuestDevice& c : list)
    if (sameSource(c, d)) return &c;
  return nullptr;
}

}  // namespace sriov::reconcile::planning
