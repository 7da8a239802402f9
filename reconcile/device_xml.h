// Building libvirt XML with pugixml: the <interface>/<hostdev> element of one guest device, and
// the <network> definition of a VF pool. Never by string concatenation.
#pragma once

#include <string>
#include <vector>

#include "reconcile/host_change.h"
#include "reconcile/observed_state.h"

namespace sriov::reconcile {

// One <interface> or <hostdev> element for dev (its alias included when set).
std::string deviceXml(const GuestDevice& dev);

// <network> with sriov-apply's <metadata> ownership mark and <forward mode='hostdev'>.
std::string networkXml(const NetworkDefinition& def);

}  // namespace sriov::reconcile
