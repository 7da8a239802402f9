// Refusal rules: findings, the preflight that opens a plan and the gate that closes it.
#include "reconcile/planning/refusals.h"

#include <algorithm>

#include "reconcile/boot_phase.h"
#include "reconcile/planning/hotplug_capacity.h"
#include "reconcile/preflight.h"

namespace sriov::reconcile::planning {

void Findings::error(std::string target, std::string message) {
  list_.push_back({FindingSeverity::error, std::move(target), std::move(message)});
}

void Findings::warning(std::string target, std::string message) {
  list_.push_back({FindingSeverity::warning, std::move(target), std::move(message)});
}

void Findings::add(std::vector<Finding> more) {
  for (Finding& f : more) list_.push_back(std::move(f));
}

std::vector<Finding> Findings::sorted() const {
  std::vector<Finding> out = list_;
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity < b.severity;
    return a.target < b.target;
  });
  return out;
}

std::vector<Finding> openingFindings(const schema::Spec& spec, const ObservedState& observed,
                                     const PlanOptions& options) {
  return preflight(spec, observed, options.takeOverNetworks ? TakeOver::yes : TakeOver::no);
}

std::vector<Finding> closingFindings(const std::vector<Action>& actions,
                                     const ObservedState& observed, const PlanOptions& options) {
  std::vector<Finding> out;
  for (const Action& a : actions) {
    if (a.disruption > options.maxDisruption) {
      out.push_back({FindingSeverity::error, a.target,
                     "action " + std::to_string(a.id) + " (" + toString(a.kind) +
                         ") disrupts at level " + toString(a.disruption) +
                         ", above --max-disruption " + toString(options.maxDisruption)});
    }
  }
  for (Finding& f : phaseFindings(actions, observed, options.phase)) out.push_back(std::move(f));
  for (Finding& f : hotplugCapacityFindings(actions, observed)) out.push_back(std::move(f));
  return out;
}

}  // namespace sriov::reconcile::planning
