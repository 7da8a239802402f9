// Rolling back: the spec that describes the host as it was observed before an apply, so that
// planning it against the host as it is now puts everything back.
#pragma once

#include <string>

#include "reconcile/observed_state.h"
#include "schema/spec.h"

namespace sriov::reconcile {

// hostSpec (as_spec.h, the conversion --as-spec uses) of before against now: every SR-IOV PF
// with its count and the VF settings and drivers that differ from a fresh VF's or from what is
// there now; every network sriov-apply owns; the SR-IOV devices (with their aliases and managed)
// and run state of every guest the apply changed; the persistence file as it was. prune is on,
// so what the failed apply added goes away.
schema::Spec rollbackSpec(const ObservedState& before, const ObservedState& now,
                          const std::string& persistFile);

// Whether stateDifferences compares the names of VFs' netdevs. Those are the kernel's and
// udev's, not the apply's: udev renames a new VF's netdev a moment after the VF appears (a
// second after igbvf's probe, seen under TCG), so a state observed right after VFs were
// re-created may still show the kernel's name.
enum class VfNetdevNames { compared, ignored };

// The fields of two states that an apply changes, compared one by one: PFs and their VFs,
// networks (not their XML text), domains' run state and SR-IOV devices, owned files. Empty when
// equal; else one line per difference, e.g. "pf 0000:03:00.0: numVfs 2, was 4", "pf
// 0000:03:00.0 vf 0: netdev eth0, was enp3s0v0".
std::vector<std::string> stateDifferences(const ObservedState& before, const ObservedState& after,
                                          VfNetdevNames names = VfNetdevNames::compared);

}  // namespace sriov::reconcile
