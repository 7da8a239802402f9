// The observed state of a host written as a host.yaml spec: the one conversion from what a host
// is to a spec that describes it, for `sriov-apply show --as-spec` and for a rollback.
//
// What it holds: every SR-IOV PF (name when it has a netdev, pci, numVfs, persist) with `vfs`
// entries only for VFs whose settings differ from a baseline (--as-spec: the kernel's defaults, a
// non-zero MAC, vlan, qos, spoofCheck off, trust on, linkState not auto, rates, driver vfio-pci,
// except VFs a running guest holds, whose settings libvirt made; rollback: the VF as it is now);
// hostdev networks sriov-apply defined (pf pool or VF list as {pf, index}, managed, vlan,
// autostart, active); and guests with SR-IOV devices in their inactive XML (hostdev interfaces
// and hostdevs on a known VF as `vf: {pf, index}`, other hostdevs as `pci:`, network interfaces
// of hostdev networks as `network:`; `managed: false` where the host has it). A hostdev
// interface on an address that is no VF of this host is left out with a note saying so.
// Output is deterministic: PFs by PCI address, networks and guests by name, devices in XML order.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reconcile/observed_state.h"
#include "schema/spec.h"

namespace sriov::reconcile {

// What the spec could not say about an object: a comment in --as-spec's YAML.
struct SpecNote {
  std::string object;  // "" (the whole spec), "network NAME" or "guest NAME"
  std::string text;
};

struct HostSpec {
  schema::Spec spec;
  std::vector<SpecNote> notes;
};

struct HostSpecOptions {
  // A rollback: the host now, after a failed apply. Set, the spec describes the state before
  // against it: VF settings that differ from now's (from a fresh VF's where the VFs are
  // re-created), PFs by PCI address with their link state, only the guests the apply changed,
  // with their aliases, run state and live-only devices, prune on, and the persistence file
  // restored exactly (persistFile). Unset: --as-spec.
  const ObservedState* now = nullptr;
  std::string persistFile;  // default: kDefaultPersistFile
};

HostSpec hostSpec(const ObservedState& state, const HostSpecOptions& options = {});

std::string toSpecYaml(const ObservedState& state);
// The same spec as JSON (which is YAML too), without the comments.
nlohmann::ordered_json toSpecJson(const ObservedState& state);

}  // namespace sriov::reconcile
