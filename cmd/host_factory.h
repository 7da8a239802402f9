// The one place a Host is created: the real LinuxHost, or a SimulatedHost from --state.
#pragma once

#include <memory>

#include "cmd/options.h"
#include "reconcile/host/host.h"
#include "reconcile/result.h"

namespace sriov::cmd {

Result<std::unique_ptr<reconcile::Host>> makeHost(const HostOptions& options);

}  // namespace sriov::cmd
