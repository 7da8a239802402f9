// The world of a SimulatedHost: the state one mutation changes (copied, so that a failure changes
// nothing), the lookups into it, the kernel's VF defaults, and errors worded as the kernel and
// libvirt word them.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "reconcile/host_change.h"
#include "reconcile/observed_state.h"
#include "reconcile/result.h"

namespace sriov::reconcile {

// The driver the kernel binds a new VF to: igb -> igbvf, ixgbe -> ixgbevf, i40e and ice ->
// iavf, mlx5_core and nvme stay, anything else: the PF's own driver.
std::string vfDriverFor(const std::string& pfDriver);
// The netlink settings of a VF the kernel just created: all zero, and on igb spoof checking on
// and trust off (seen in tests/e2e; unreported for drivers not seen).
VfNetlink newVfSettings(const std::string& pfDriver);

// Everything a mutation may change, copied for each one so that a failure changes nothing.
struct SimulatedWorld {
  ObservedState state;
  // VF settings before a guest's interface took the VF, to give back on release (by VF PCI).
  std::map<std::string, VfNetlink> savedSettings;
  // VFs of hostdev networks held by running guests' network interfaces: VF PCI -> holder.
  struct Lease {
    std::string domain;
    std::string device;    // the interface's MAC, else its alias
    bool managed = false;  // the network's <forward managed>: bound to vfio-pci while held
  };
  std::map<std::string, Lease> leases;
};

namespace simulated {

// The VF at pci and its PF; nullptr members when there is none.
struct VfAt {
  ObservedPf* pf = nullptr;
  ObservedVf* vf = nullptr;
};
VfAt findVf(ObservedState& state, const std::string& pci);
ObservedPf* findPf(ObservedState& state, const std::string& pci);
ObservedNetwork* findNetwork(ObservedState& state, const std::string& name);
// A PCI address in its normal form, else as given.
std::string pciLabel(const std::string& pci);

// The netdev name a VF has with its current driver: `<pf>v<index>` while bound to the PF's
// network VF driver and the PF has a netdev, else none.
std::string vfNetdevName(const ObservedPf& pf, const ObservedVf& vf);

// Whether a guest's domain is up (its live devices are in use): anything but shut off.
bool active(const ObservedDomain& domain);

// "<what>: <strerror>" plus the kernel's explanation in parentheses when there is one.
Error kernelError(const std::string& what, int code, const std::string& detail = "");
// "<what>: <libvirt's prefix for code><message>", e.g. "cannot start network 'n': Requested
// operation is not valid: network is already active"; code is the virErrorNumber.
Error libvirtError(const std::string& what, int code, const std::string& message);
// libvirt's error for a network name it does not know (virNetworkLookupByName).
Error noNetwork(const std::string& what, const std::string& name);

// " mac=... vlan=... trust=true": the fields a VF change sets, for the mutation log.
std::string describe(const VfChange& change);

// A uuid libvirt would have generated, made up deterministically from key; xml with it as the
// <uuid> right after <name>.
std::string uuidFor(const std::string& key);
std::string withUuid(const std::string& xml, const std::string& uuid);

}  // namespace simulated
}  // namespace sriov::reconcile
