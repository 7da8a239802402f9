// Lookups and names for the observed state.
#include "reconcile/observed_state.h"

#include <algorithm>

#include "schema/pci_address.h"

namespace sriov::reconcile {

const char* toString(DomainState state) {
  switch (state) {
    case DomainState::running:
      return "running";
    case DomainState::paused:
      return "paused";
    case DomainState::shutoff:
      return "shutoff";
    case DomainState::other:
      return "other";
  }
  return "?";
}

const ObservedPf* ObservedState::findPf(const std::string& ref) const {
  std::optional<std::string> pci = schema::normalisePci(ref);
  for (const ObservedPf& pf : pfs) {
    if (!pf.name.empty() && pf.name == ref) return &pf;
    if (pci && pf.pci == *pci) return &pf;
  }
  return nullptr;
}

const ObservedNetwork* ObservedState::findNetwork(const std::string& name) const {
  for (const ObservedNetwork& n : networks)
    if (n.name == name) return &n;
  return nullptr;
}

void ObservedDomain::markUnreadable(const std::string& why) {
  if (unreadable.empty()) unreadable = why;
  liveDevices.clear();
  configDevices.clear();
}

const ObservedDomain* ObservedState::findDomain(const std::string& name) const {
  auto at = std::lower_bound(
      domains.begin(), domains.end(), name,
      [](const ObservedDomain& d, const std::string& wanted) { return d.name < wanted; });
  return at != domains.end() && at->name == name ? &*at : nullptr;
}

}  // namespace sriov::reconcile
