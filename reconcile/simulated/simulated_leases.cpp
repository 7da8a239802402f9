// Pools, holders and leases of the simulated host's VFs.
#include "reconcile/simulated/simulated_leases.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "reconcile/domain_xml.h"
#include "reconcile/domain_xml_edit.h"

namespace sriov::reconcile::simulated {

std::vector<std::string> poolOf(const ObservedState& state, const ObservedNetwork& network) {
  std::vector<std::string> pool;
  if (network.forwardMode != "hostdev") return pool;
  if (!network.pfDev.empty()) {
    if (const ObservedPf* pf = state.findPf(network.pfDev)) {
      for (const ObservedVf& vf : pf->vfs) pool.push_back(vf.pci);
    }
    return pool;
  }
  for (const std::string& pci : network.vfs) {
    for (const ObservedPf& pf : state.pfs) {
      for (const ObservedVf& vf : pf.vfs) {
        if (vf.pci == pci) pool.push_back(pci);
      }
    }
  }
  return pool;
}

bool isHostdevNetwork(const ObservedState& state, const std::string& name) {
  const ObservedNetwork* network = state.findNetwork(name);
  return network && network->forwardMode == "hostdev";
}

std::optional<std::string> holderOf(const SimulatedWorld& world, const std::string& pci) {
  for (const ObservedDomain& domain : world.state.domains) {
    if (!active(domain)) continue;
    for (const GuestDevice& device : domain.liveDevices) {
      if (device.kind != GuestDevice::Kind::networkInterface && device.pci == pci) {
        return domain.name;
      }
    }
  }
  auto lease = world.leases.find(pci);
  if (lease != world.leases.end()) return lease->second.domain;
  return std::nullopt;
}

std::string leaseKey(const GuestDevice& device) {
  return device.mac.empty() ? device.alias : device.mac;
}

std::optional<std::string> leaseOf(const SimulatedWorld& world, const std::string& domain,
                                   const GuestDevice& device) {
  for (const auto& [pci, lease] : world.leases) {
    if (lease.domain == domain && lease.device == leaseKey(device)) return pci;
  }
  return std::nullopt;
}

// libvirt picks the first VF with no connection of its own: it does not know that a guest holds
// one of them directly (assigning it then fails, like on a real host).
std::optional<std::string> freeVf(const SimulatedWorld& world, const ObservedNetwork& network,
                                  Busy busy) {
  for (const std::string& pci : poolOf(world.state, network)) {
    bool taken =
        busy == Busy::leased ? world.leases.count(pci) > 0 : holderOf(world, pci).has_value();
    if (!taken) return pci;
  }
  return std::nullopt;
}

void deriveLeases(SimulatedWorld& world) {
  world.leases.clear();
  // What libvirt's live XML says (the VF each pool interface got: leasedPci, set by
  // restoreNetworkInterfaces when the devices were read); for a live XML that keeps
  // type='network' (state files written before sriov-apply modelled this), the first free VF,
  // in a second pass.
  std::vector<std::pair<std::string, GuestDevice>> unknown;
  for (const ObservedDomain& domain : world.state.domains) {
    if (!active(domain)) continue;
    for (const GuestDevice& device : domain.liveDevices) {
      if (device.kind != GuestDevice::Kind::networkInterface) continue;
      const ObservedNetwork* network = world.state.findNetwork(device.network);
      if (!network) continue;
      if (!device.leasedPci.empty())
        world.leases[device.leasedPci] = {domain.name, leaseKey(device), network->managed};
      else
        unknown.emplace_back(domain.name, device);
    }
  }
  for (const auto& [domain, device] : unknown) {
    const ObservedNetwork* network = world.state.findNetwork(device.network);
    if (std::optional<std::string> pci = freeVf(world, *network, Busy::anyHolder))
      world.leases[*pci] = {domain, leaseKey(device), network->managed};
  }
}

std::string vfNetdevMac(const ObservedVf& vf) {
  if (vf.settings.mac != "00:00:00:00:00:00") return vf.settings.mac;
  uint64_t hash = 1469598103934665603ull;  // FNV-1a 64 of the VF's address
  for (char c : vf.pci) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  char buf[18];
  std::snprintf(buf, sizeof buf, "02:%02x:%02x:%02x:%02x:%02x", unsigned(hash >> 32) & 0xff,
                unsigned(hash >> 24) & 0xff, unsigned(hash >> 16) & 0xff,
                unsigned(hash >> 8) & 0xff, unsigned(hash) & 0xff);
  return buf;
}

void takeVf(SimulatedWorld& world, const std::string& pci, const GuestDevice& device,
            bool managed) {
  VfAt at = findVf(world.state, pci);
  if (!at.vf) return;  // a whole device: nothing of it is modelled
  world.touchVf(*at.vf);
  if (device.kind != GuestDevice::Kind::hostdev) {
    // virHostdevSaveNetConfig, before the VF leaves its driver: every time, over any earlier copy.
    LibvirtSavedVf saved;
    saved.adminMac = at.vf->settings.mac;
    saved.vlanTag = at.vf->settings.vlan;
    if (!at.vf->netdev.empty()) saved.mac = vfNetdevMac(*at.vf);
    at.vf->libvirtSaved = saved;
    // virHostdevSetNetConfig: the interface's MAC as the admin MAC; its VLAN (qos 0) if it has
    // one, else the VLAN stays.
    if (!device.mac.empty()) at.vf->settings.mac = device.mac;
    if (device.vlan) {
      at.vf->settings.vlan = *device.vlan;
      at.vf->settings.qos = 0;
    }
  }
  if (managed) {
    at.vf->driver = "vfio-pci";
    at.vf->netdev.clear();
  }
}

void releaseVf(SimulatedWorld& world, const std::string& pci, bool managed, bool interface) {
  VfAt at = findVf(world.state, pci);
  if (!at.vf) return;
  world.touchVf(*at.vf);
  // virHostdevRestoreNetConfig (an interface only), before the VF goes back to its driver: the
  // saved MAC and VLAN through the PF, the file removed. With nothing saved, a one-port PF gets
  // nothing (libvirt then looks for the PF's second netdev, finds none and gives up). igb and
  // the other modelled drivers take an all-zero MAC (libvirt would retry with 02:00:00:00:00:00
  // where one does not).
  if (interface && at.vf->libvirtSaved) {
    const LibvirtSavedVf saved = *at.vf->libvirtSaved;
    at.vf->libvirtSaved.reset();
    if (!saved.restoredMac().empty()) at.vf->settings.mac = saved.restoredMac();
    at.vf->settings.vlan = saved.vlanTag.value_or(0);
    at.vf->settings.qos = 0;
  }
  if (managed && at.vf->driver == "vfio-pci") {
    at.vf->driver = vfDriverFor(at.pf->driver);
    at.vf->netdev = vfNetdevName(*at.pf, *at.vf);
  }
  world.leases.erase(at.vf->pci);
}

}  // namespace sriov::reconcile::simulated
