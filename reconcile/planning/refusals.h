// The refusal rules in one place: the findings every pass collects, the preflight that opens a
// plan (what the observed host alone says) and the gate that closes it (--max-disruption, the
// boot phase's refusals, the findings' order). An error finding refuses the plan (exit 4).
#pragma once

#include <string>
#include <vector>

#include "reconcile/plan.h"
#include "reconcile/planner.h"

namespace sriov::reconcile::planning {

class Findings {
 public:
  void error(std::string target, std::string message);
  void warning(std::string target, std::string message);
  void add(std::vector<Finding> more);
  // Sorted: errors first, then by target; equal ones in the order they were found.
  std::vector<Finding> sorted() const;

 private:
  std::vector<Finding> list_;
};

// Preflight (preflight.h) with the options' take-over rule.
std::vector<Finding> openingFindings(const schema::Spec& spec, const ObservedState& observed,
                                     const PlanOptions& options);

// The refusals of the ordered actions: each one above --max-disruption, then the boot phase's,
// then live attaches a guest has no free PCI slot for (hotplug_capacity.h).
std::vector<Finding> closingFindings(const std::vector<Action>& actions,
                                     const ObservedState& observed, const PlanOptions& options);

}  // namespace sriov::reconcile::planning
