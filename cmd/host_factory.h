// The one place a Host is created: the real LinuxHost, or a SimulatedHost from --state.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cmd/options.h"
#include "reconcile/host/host.h"
#include "reconcile/result.h"

namespace sriov::cmd {

// ownedFiles: files sriov-apply owns (the persistence rules), observed along with the host.
Result<std::unique_ptr<reconcile::Host>> makeHost(const HostOptions& options,
                                                  const std::vector<std::string>& ownedFiles);

}  // namespace sriov::cmd
