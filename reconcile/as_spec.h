// The observed state of a host written as a host.yaml spec (`sriov-apply show --as-spec`): a
// starting point that describes the host as it is.
//
// What it holds: every SR-IOV PF (name when it has a netdev, pci, numVfs, persist: true) with
// `vfs` entries only for VFs whose settings differ from the kernel's defaults (a non-zero MAC,
// vlan, qos, spoofCheck off, trust on, linkState not auto, rates, driver vfio-pci), except VFs
// a running guest holds, whose settings libvirt made; hostdev networks (pf pool or VF list as
// {pf, index}, managed, vlan, autostart, active); and guests with SR-IOV devices in their
// inactive XML (hostdev interfaces and hostdevs on a known VF as `vf: {pf, index}`, other
// hostdevs as `pci:`, network interfaces of hostdev networks as `network:`). A hostdev
// interface on an address that is no VF of this host is left out with a comment saying so.
// Output is deterministic: PFs by PCI address, networks and guests by name, devices in XML order.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reconcile/observed_state.h"

namespace sriov::reconcile {

std::string toSpecYaml(const ObservedState& state);
// The same spec as JSON (which is YAML too), without the comments.
nlohmann::ordered_json toSpecJson(const ObservedState& state);

}  // namespace sriov::reconcile
