// Building libvirt XML with pugixml: the <interface>/<hostdev> element of one guest device, and
// the <network> definition of a VF pool. Never by string concatenation.
#pragma once

#include <string>
#include <vector>

#include "reconcile/observed_state.h"

namespace sriov::reconcile {

// One <interface> or <hostdev> element for dev (its alias included when set).
std::string deviceXml(const GuestDevice& dev);

// What a hostdev network should look like; pfDev or vfs (normalised PCI addresses).
struct NetworkDefinition {
  std::string name;
  std::string uuid;  // of the network it redefines: libvirt refuses a new uuid for an old name
  std::string pfDev;
  std::vector<std::string> vfs;
  bool managed = true;
  std::optional<unsigned> vlan;
};

// <network> with sriov-apply's <metadata> ownership mark and <forward mode='hostdev'>.
std::string networkXml(const NetworkDefinition& def);

// Whether an observed network already is def (name, forward mode, managed, pool, vlan).
bool sameDefinition(const ObservedNetwork& observed, const NetworkDefinition& def);

}  // namespace sriov::reconcile
