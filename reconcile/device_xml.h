// Building libvirt XML with pugixml: the <interface>/<hostdev> element of one guest device, and
// the <network> definition of a VF pool. Never by string concatenation.
#pragma once

#include <string>
#include <vector>

#include "reconcile/host_change.h"
#include "reconcile/observed_state.h"

namespace sriov::reconcile {

// One <interface> or <hostdev> element for dev (its alias included when set); written from
// dev.keep when set (editedElementXml), else from scratch.
std::string deviceXml(const GuestDevice& dev);

// elementXml (one observed device element) as want has it: the fields the model holds (managed,
// <mac>, <source>, <vlan>, <virtualport>, <alias>) set to want's, everything else kept. want's
// XML from scratch when elementXml does not parse.
std::string editedElementXml(const std::string& elementXml, const GuestDevice& want);

// <network> with sriov-apply's <metadata> ownership mark and <forward mode='hostdev'>.
std::string networkXml(const NetworkDefinition& def);

}  // namespace sriov::reconcile
