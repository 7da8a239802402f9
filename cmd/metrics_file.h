// The drift metrics for monitoring: a node-exporter textfile (Prometheus text format) written
// atomically by `plan --metrics-file` (drift, refusal, pending actions by disruption level, the
// time of the check) and by a successful `apply --metrics-file` (the time of the last successful
// apply, which later checks keep).
#pragma once

#include <ctime>
#include <string>

#include "reconcile/plan.h"
#include "reconcile/result.h"

namespace sriov::cmd {

// After a check: plan is what the host still needs.
Result<void> writeCheckMetrics(const std::string& path, const reconcile::Plan& plan,
                               std::time_t now);
// After an apply that left the host matching its spec (converged, or nothing to do).
Result<void> writeApplyMetrics(const std::string& path, std::time_t now);

// The metrics text (for tests): lastApply 0 when no apply succeeded yet.
std::string metricsText(const reconcile::Plan& plan, std::time_t checked, std::time_t lastApply);

}  // namespace sriov::cmd
