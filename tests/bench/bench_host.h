// The generated host of issue 14's figures: PFs like an E810 (ice, totalvfs 256) with their VFs,
// running guests holding 2 VFs each with a realistic 1.5 KB domain XML, and the spec that
// describes it; shared by the benchmarks and by sriov-bench-gen (files for whole-process runs).
#pragma once

#include <string>

#include "reconcile/observed_state.h"

namespace sriov::bench {

struct HostSize {
  unsigned pfs = 16;
  unsigned vfsPerPf = 250;
  unsigned guests = 2000;  // each holds 2 VFs: guests <= pfs * vfsPerPf / 2
  unsigned vfs() const { return pfs * vfsPerPf; }
};

std::string pfName(unsigned pf);

// The PFs without VFs, and the guests running with no SR-IOV device yet.
reconcile::ObservedState emptyHost(const HostSize& size);

// The spec: every PF's numVfs, every guest's two VFs as hostdev interfaces (guest g: VFs 2g
// and 2g+1 counted across the PFs) with a MAC and VLAN 100 + g % 100.
std::string specYaml(const HostSize& size);

}  // namespace sriov::bench
