// `sriov-apply plan SPEC` (and `apply --dry-run`): load, observe, plan, print; change nothing.
#pragma once

#include <ostream>

#include "cmd/options.h"
#include "reconcile/host/host.h"

namespace sriov::cmd {

int runPlan(const ApplyOptions& options, reconcile::HostReader& host, std::ostream& out,
            std::ostream& err);

}  // namespace sriov::cmd
