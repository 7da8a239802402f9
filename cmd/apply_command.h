// `sriov-apply [apply] SPEC`: lock, plan, snapshot, execute with progress, verify, roll back on
// failure, report (text or JSON), exit code as SPEC.md says.
#pragma once

#include <atomic>
#include <functional>
#include <ostream>

#include "cmd/host_factory.h"
#include "cmd/options.h"

namespace sriov::cmd {

// stop: set by SIGINT/SIGTERM; the running actions finish, then the apply rolls back.
// makeHost is called once the lock is held, so the host (or state file) is observed under it;
// it is given the options in effect (a saved plan's plan options) and the apply's progress line
// printer for the host's waits. options.spec may name a saved plan (`plan --out`).
using Progress = std::function<void(const std::string&)>;
int runApply(
    const ApplyOptions& options,
    const std::function<Result<HostHandle>(const ApplyOptions&, const Progress&)>& makeHost,
    const std::atomic<bool>* stop, std::ostream& out, std::ostream& err);

}  // namespace sriov::cmd
