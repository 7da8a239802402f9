// The state file (SPEC.md, "State file"): an ObservedState as YAML (`show` output, `--state`
// input) or JSON. Only observed facts are written; what can be derived from libvirt XML (a
// network's pool, a domain's device lists) is recomputed from the XML on load, so the XML is the
// one source of truth.
//
// Format: keys are the ObservedState member names.
//   apiVersion: sriov-apply/v1      required
//   kind: HostState                 required
//   hostname: lab-01                required
//   iommuEnabled: true              default false
//   selinuxVirtUseSysfs: false      omitted when unset
//   pfs:        [{name, pci, driver, vendorId, deviceId, totalVfs, numVfs, vfOffset, vfStride,
//                 linkUp, iommuGroup, vfs: [{index, pci, netdev, driver, mac, vlan, qos,
//                 spoofCheck, trust, linkState, minTxRate, maxTxRate}]}]
//   networks:   [{name, active, autostart, persistent, xml}]
//   domains:    [{name, state, autostart, persistent, xml, inactiveXml}]
// Required inside: pf pci, totalVfs, numVfs; vf index, pci; network name, xml; domain name,
// state, xml. Everything else defaults to the ObservedState default. The writer leaves out
// empty names and drivers, unset optionals, iommuGroup -1, and a domain's inactiveXml when it
// equals its xml (always so for a shut off domain). A PF's vfs must list indexes 0..numVfs-1
// in order. Unknown and duplicate keys are errors. What the kernel and libvirt guarantee is
// checked: numVfs <= totalVfs, vfOffset >= 1 (with VFs) and vfStride >= 1 (totalVfs > 1), each
// VF once and at the address offset and stride give, one device per PCI address and one
// interface per name across all PFs and VFs, network and domain names unique.
//
// Output is deterministic (PFs by PCI address, networks and domains by name, fixed key order),
// so writing a loaded file reproduces it byte for byte.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reconcile/observed_state.h"
#include "reconcile/result.h"

namespace sriov::reconcile {

inline constexpr const char* kStateKind = "HostState";

std::string toStateYaml(const ObservedState& state);
nlohmann::json toStateJson(const ObservedState& state);

// Errors read "FILE:LINE:COL: message" (1-based), naming what is wrong and where, e.g.
// "lab.yaml:7:5: missing key 'pci' in pfs[0]".
Result<ObservedState> parseStateYaml(std::string text, const std::string& fileName);
Result<ObservedState> loadStateFile(const std::string& path);

// The state in its canonical order (PFs by PCI address, networks and domains by name).
void sortState(ObservedState& state);

}  // namespace sriov::reconcile
