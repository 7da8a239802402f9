// The udev rules file that re-creates VFs at boot (SPEC.md, "Persistence").
#pragma once

#include <string>
#include <vector>

namespace sriov::reconcile {

inline constexpr const char* kDefaultPersistFile = "/etc/udev/rules.d/70-sriov-apply.rules";

struct PersistedPf {
  std::string netdev;  // empty for a PF without a netdev (matched by PCI address instead)
  std::string pci;
  unsigned numVfs = 0;
};

// The whole file: a generated-by header, then one rule per PF, scoped to that PF only, in the
// form of the RHEL guides (ATTR{device/sriov_numvfs}="N"). Sorted by PCI address.
std::string persistenceRules(std::vector<PersistedPf> pfs);

}  // namespace sriov::reconcile
