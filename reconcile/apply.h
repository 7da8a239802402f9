// Apply: observe, plan, execute, verify; on a failure, roll back by planning from the host as
// it is now to the host as it was, and executing that. No printing: a report comes back.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/apply_reporter.h"
#include "reconcile/executor.h"
#include "reconcile/planner.h"

namespace sriov::reconcile {

enum class Rollback { yes, no };

struct ApplySettings {
  PlanOptions plan;
  ExecuteOptions execute;
  Rollback rollback = Rollback::yes;
  // Called with the state observed before anything changes and the plan about to run (the CLI
  // asks for a confirmation on a terminal and saves a snapshot); an error stops the apply before
  // it changes anything.
  std::function<Result<void>(const ObservedState&, const Plan&)> beforeChanges;
  // Called with the host as observed and the plan made from it, before the plan is reported or
  // anything changes: the errors it returns are added to the plan's findings, which refuses it
  // (a saved plan whose host or actions are no longer the ones reviewed).
  std::function<std::vector<Finding>(const ObservedState&, const Plan&)> vetPlan;
  // Hears the plan, each step and each action as it goes (and is handed to the executor).
  ApplyReporter* reporter = nullptr;
  // After a rollback whose only differences are VF netdev names: how long to look again (every
  // 250 ms) while udev may still be renaming them (rollback.h).
  std::chrono::milliseconds renameWait{5000};
};

enum class ApplyStatus {
  noChanges,       // the host matched the spec
  converged,       // changes made, verified
  refused,         // the plan was refused; nothing changed
  failed,          // observing or the snapshot failed before anything changed
  notConverged,    // every action succeeded, but planning again still finds changes
  rolledBack,      // an action failed (or apply was interrupted); the host is as it was
  rollbackFailed,  // ... and the rollback did not get it back
  notRolledBack,   // ... and --no-rollback left it as it is
};
const char* toString(ApplyStatus status);

struct ApplyReport {
  ApplyStatus status = ApplyStatus::failed;
  std::optional<Error> error;  // status failed
  ObservedState before;
  Plan plan;
  ExecuteResult execution;
  std::vector<Action> leftover;  // notConverged: what planning again still wants
  std::optional<Plan> rollbackPlan;
  std::optional<ExecuteResult> rollback;
  std::vector<std::string> differences;  // after a rollback: what is not as it was
};

ApplyReport apply(const schema::Spec& spec, Host& host, const ApplySettings& settings);

}  // namespace sriov::reconcile
