// libvirt's guest rules in a SimulatedHost: device attach, detach and update, guest start and
// shutdown, which running guest holds which PCI device, and what taking and giving one back
// does to the VF (vfio-pci binding, MAC and VLAN set through the PF).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/simulated/simulated_host.h"

namespace sriov::reconcile::simulated {

// The VF at pci and its PF; nullptr members when there is none.
struct VfAt {
  ObservedPf* pf = nullptr;
  ObservedVf* vf = nullptr;
};
VfAt findVf(ObservedState& state, const std::string& pci);

// The netdev name a VF has with its current driver: `<pf>v<index>` while bound to the PF's
// network VF driver and the PF has a netdev, else none.
std::string vfNetdevName(const ObservedPf& pf, const ObservedVf& vf);

// Whether a guest's domain is up (its live devices are in use): anything but shut off.
bool active(const ObservedDomain& domain);

// The VFs a network hands out (<pf dev> pool or explicit list), those that exist; empty for a
// network that is not forward mode hostdev.
std::vector<std::string> poolOf(const ObservedState& state, const ObservedNetwork& network);
bool isHostdevNetwork(const ObservedState& state, const std::string& name);

// The running guest that holds the PCI device (a hostdev or hostdev interface of its live XML,
// or a VF leased to one of its network interfaces), if any.
std::optional<std::string> holderOf(const SimulatedWorld& world, const std::string& pci);

// The key of a network interface in a lease: its MAC, else its alias.
std::string leaseKey(const GuestDevice& device);
// The VF a running guest's network interface holds, if any.
std::optional<std::string> leaseOf(const SimulatedWorld& world, const std::string& domain,
                                   const GuestDevice& device);
// The first VF of the network's pool nobody holds, if any.
std::optional<std::string> freeVf(const SimulatedWorld& world, const ObservedNetwork& network);

// Leases for the network interfaces of every running guest (by guest name, first free VF), for
// a world loaded from a state file, which does not record them.
void deriveLeases(SimulatedWorld& world);

// A running guest starts using the VF at pci through device: a managed device binds it to
// vfio-pci; an interface sets its MAC and VLAN on the VF (saving the old settings).
void takeVf(SimulatedWorld& world, const std::string& pci, const GuestDevice& device, bool managed);
// The guest lets go: back to the VF driver, old settings restored when they were saved.
void releaseVf(SimulatedWorld& world, const std::string& pci, bool managed);

// "<what>: <libvirt's prefix for code><message>", e.g. "cannot start network 'n': Requested
// operation is not valid: network is already active"; code is the virErrorNumber.
Error libvirtError(const std::string& what, int code, const std::string& message);

// A uuid libvirt would have generated, made up deterministically from key; xml with it as the
// <uuid> right after <name>.
std::string uuidFor(const std::string& key);
std::string withUuid(const std::string& xml, const std::string& uuid);

// The guest operations of Host, on a world SimulatedHost throws away when they fail.
Result<void> attachDevice(SimulatedWorld& world, const std::string& domain,
                          const std::string& deviceXml, DeviceScope scope);
Result<void> detachDevice(SimulatedWorld& world, const std::string& domain,
                          const std::string& deviceXml, DeviceScope scope);
Result<void> updateDevice(SimulatedWorld& world, const std::string& domain,
                          const std::string& deviceXml, DeviceScope scope);
Result<void> shutdownGuest(SimulatedWorld& world, const std::string& domain,
                           std::chrono::seconds timeout);
Result<void> startGuest(SimulatedWorld& world, const std::string& domain);

}  // namespace sriov::reconcile::simulated
