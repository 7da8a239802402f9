// `sriov-apply [apply] SPEC`: lock, plan, snapshot, execute with progress, verify, roll back on
// failure, report (text or JSON), exit code as SPEC.md says.
#pragma once

#include <atomic>
#include <ostream>

#include "cmd/host_factory.h"
#include "cmd/options.h"

namespace sriov::cmd {

// stop: set by SIGINT/SIGTERM; the running actions finish, then the apply rolls back.
int runApply(const ApplyOptions& options, HostHandle& host, const std::atomic<bool>* stop,
             std::ostream& out, std::ostream& err);

}  // namespace sriov::cmd
