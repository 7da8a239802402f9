// Who holds which VF in a SimulatedHost: the VFs a hostdev network hands out, the running guest
// that holds a PCI device, the leases of pool interfaces, and what taking a VF and giving it back
// does to it (vfio-pci, the MAC and VLAN set through the PF).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reconcile/simulated/simulated_world.h"

namespace sriov::reconcile::simulated {

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
// The VF a pool hands out next: the first one not leased (Busy::leased, as libvirt picks), or
// the first no guest holds at all (Busy::anyHolder, rebuilding the leases of a saved state).
enum class Busy { leased, anyHolder };
std::optional<std::string> freeVf(const SimulatedWorld& world, const ObservedNetwork& network,
                                  Busy busy);

// Leases for the network interfaces of every running guest (by guest name, first free VF), for
// a world loaded from a state file, which does not record them.
void deriveLeases(SimulatedWorld& world);

// The MAC a VF's netdev has: its admin MAC (the VF driver takes it at probe), else one the VF
// driver made up (random on a real host; here derived from the VF's address).
std::string vfNetdevMac(const ObservedVf& vf);
// A running guest starts using the VF at pci through device: an interface has libvirt save the
// VF's MAC and VLAN (ObservedVf::libvirtSaved, and its netdev's MAC while it has one) and set
// the interface's; a managed device then binds it to vfio-pci.
void takeVf(SimulatedWorld& world, const std::string& pci, const GuestDevice& device, bool managed);
// The guest lets go: an interface (interface true) gets libvirt's saved MAC and VLAN back, the
// saved copy forgotten; a managed device goes back to the VF driver.
void releaseVf(SimulatedWorld& world, const std::string& pci, bool managed, bool interface);

}  // namespace sriov::reconcile::simulated
