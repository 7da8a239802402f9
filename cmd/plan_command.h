// `sriov-apply plan SPEC` (and `apply --dry-run`): load, observe, plan, print; change nothing.
#pragma once

#include <ostream>

#include "cmd/options.h"
#include "reconcile/host/host.h"
#include "reconcile/planner.h"

namespace sriov::cmd {

// The planner's options from the command line's (plan and apply alike).
reconcile::PlanOptions planOptionsOf(const ApplyOptions& options);

int runPlan(const ApplyOptions& options, reconcile::HostReader& host, std::ostream& out,
            std::ostream& err);

}  // namespace sriov::cmd
