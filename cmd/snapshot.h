// The snapshot of the host before each apply (the real host only): where a person finds what
// was there, kept in a private folder, the newest kSnapshotsKept of them.
#pragma once

#include <string>

#include "reconcile/observed_state.h"
#include "reconcile/result.h"

namespace sriov::cmd {

// A boot applies twice (--phase host, --phase libvirt) and VF settings are lost at every boot:
// without a bound the folder would grow by two files per boot.
inline constexpr size_t kSnapshotsKept = 30;

// Writes dir/before-<UTC time to the ns>.state.yaml (dir: 0700, ours, not a link), removes the
// oldest snapshots beyond kSnapshotsKept, and returns the path written.
Result<std::string> saveSnapshot(const std::string& dir, const reconcile::ObservedState& state);

}  // namespace sriov::cmd
