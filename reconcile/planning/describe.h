// The text forms the planner writes into actions' from/to and findings: a guest device, a VF
// pool, a VF change. For people; nothing parses them back.
#pragma once

#include <string>

#include "reconcile/host_change.h"
#include "reconcile/observed_state.h"

namespace sriov::reconcile::planning {

std::string onOff(bool b);                               // "on", "off"
std::string deviceSummary(const GuestDevice& d);         // "hostdev interface 0000:... mac ..."
std::string networkSummary(const NetworkDefinition& n);  // "hostdev pool of pf X, managed"
std::string networkSummary(const ObservedNetwork& n);
std::string vfChangeText(const VfChange& c);  // "mac ..., vlan 10, qos 0"; empty: no change

}  // namespace sriov::reconcile::planning
