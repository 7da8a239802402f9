// Lookups and names for the spec model.
#include "schema/spec.h"

#include "schema/pci_address.h"

namespace sriov::schema {

const char* toString(LinkState state) {
  switch (state) {
    case LinkState::auto_:
      return "auto";
    case LinkState::enable:
      return "enable";
    case LinkState::disable:
      return "disable";
  }
  return "?";
}

const char* toString(OnDisruption mode) {
  switch (mode) {
    case OnDisruption::hotplug:
      return "hotplug";
    case OnDisruption::restart:
      return "restart";
    case OnDisruption::refuse:
      return "refuse";
  }
  return "?";
}

const Pf* Spec::findPf(const std::string& ref) const {
  std::optional<std::string> pci = normalisePci(ref);
  for (const Pf& pf : pfs) {
    if (pf.name && *pf.name == ref) return &pf;
    if (pci && pf.pci && *pf.pci == *pci) return &pf;
  }
  return nullptr;
}

const Network* Spec::findNetwork(const std::string& name) const {
  for (const Network& n : networks)
    if (n.name == name) return &n;
  return nullptr;
}

const Guest* Spec::findGuest(const std::string& name) const {
  for (const Guest& g : guests)
    if (g.name == name) return &g;
  return nullptr;
}

}  // namespace sriov::schema
