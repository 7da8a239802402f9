// libvirt's guest rules in a SimulatedHost: device attach, detach and update, guest start and
// shutdown (who holds which VF: simulated_leases.h).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/simulated/simulated_leases.h"

namespace sriov::reconcile::simulated {

// The guest operations of Host, on a world SimulatedHost throws away when they fail.
Result<void> attachDevice(SimulatedWorld& world, const std::string& domain,
                          const std::string& deviceXml, DeviceScope scope);
Result<void> detachDevice(SimulatedWorld& world, const std::string& domain,
                          const std::string& deviceXml, DeviceScope scope);
Result<void> updateDevice(SimulatedWorld& world, const std::string& domain,
                          const std::string& deviceXml, DeviceScope scope);
Result<void> shutdownGuest(SimulatedWorld& world, const std::string& domain,
                           std::chrono::seconds timeout);
Result<void> startGuest(SimulatedWorld& world, const std::string& domain);

}  // namespace sriov::reconcile::simulated
