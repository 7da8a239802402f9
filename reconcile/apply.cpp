// The apply sequence, step by step, as the architecture's flow describes it.
#include "reconcile/apply.h"

#include <chrono>
#include <thread>

#include "reconcile/rollback.h"

namespace sriov::reconcile {

const char* toString(ApplyStatus status) {
  switch (status) {
    case ApplyStatus::noChanges:
      return "no-changes";
    case ApplyStatus::converged:
      return "converged";
    case ApplyStatus::refused:
      return "refused";
    case ApplyStatus::failed:
      return "failed";
    case ApplyStatus::notConverged:
      return "not-converged";
    case ApplyStatus::rolledBack:
      return "rolled-back";
    case ApplyStatus::rollbackFailed:
      return "rollback-failed";
    case ApplyStatus::notRolledBack:
      return "not-rolled-back";
  }
  return "?";
}

namespace {

// The executor's options, with the apply's reporter hearing each action.
ExecuteOptions executeOptions(const ApplySettings& settings) {
  ExecuteOptions options = settings.execute;
  if (!options.reporter) options.reporter = settings.reporter;
  return options;
}

void rollBack(ApplyReport& report, Host& host, const ApplySettings& settings) {
  if (settings.reporter) settings.reporter->phase("rolling back to the state before this apply");
  Result<ObservedState> now = host.observe();
  if (!now) {
    report.status = ApplyStatus::rollbackFailed;
    report.differences.push_back("cannot observe the host to roll back: " + now.error().message);
    return;
  }
  schema::Spec back = rollbackSpec(report.before, *now, settings.plan.persistFile);
  PlanOptions options = settings.plan;
  options.force = true;  // every guest goes back as it was, listed or not
  options.takeOverNetworks = false;
  options.maxDisruption = Disruption::recreate;
  options.phase = Phase::all;  // back as it was, whatever the boot phase allowed
  report.rollbackPlan = plan(back, *now, options);
  if (report.rollbackPlan->refused()) {
    report.status = ApplyStatus::rollbackFailed;
    for (const Finding& f : report.rollbackPlan->preflight)
      if (f.severity == FindingSeverity::error)
        report.differences.push_back("rollback refused: " + f.target + ": " + f.message);
    return;
  }
  ExecuteOptions exec = executeOptions(settings);
  exec.stop = nullptr;  // an interrupt stopped the apply; the rollback runs to the end
  if (settings.reporter) settings.reporter->executing(*report.rollbackPlan);
  report.rollback = execute(*report.rollbackPlan, host, exec);
  // The host after the rollback, compared with the one before; false when it cannot be read.
  Result<ObservedState> after = Error{"", 0};
  auto look = [&]() -> bool {
    after = host.observe();
    if (!after) {
      report.status = ApplyStatus::rollbackFailed;
      report.differences = {"cannot observe the host after the rollback: " + after.error().message};
      return false;
    }
    report.differences = stateDifferences(report.before, *after);
    return true;
  };
  if (!look()) return;
  // Only VF netdev names differ: udev may still be renaming the re-created VFs' netdevs (its
  // rename comes after the VF settled, rollback.h). Look again, every 250 ms, for renameWait.
  constexpr std::chrono::milliseconds kLookEvery{250};
  for (std::chrono::milliseconds waited{0};
       waited < settings.renameWait && report.rollback->ok() && !report.differences.empty() &&
       stateDifferences(report.before, *after, VfNetdevNames::ignored).empty();
       waited += kLookEvery) {
    std::this_thread::sleep_for(kLookEvery);
    if (!look()) return;
  }
  bool ok = report.rollback->ok() && report.differences.empty();
  report.status = ok ? ApplyStatus::rolledBack : ApplyStatus::rollbackFailed;
  if (ok)
    for (ActionOutcome& a : report.execution.actions)
      if (a.outcome == Outcome::done) a.outcome = Outcome::rolledBack;
}

}  // namespace

ApplyReport apply(const schema::Spec& spec, Host& host, const ApplySettings& settings) {
  ApplyReport report;
  // 1. The host as it is, kept for the rollback (and saved by the caller).
  Result<ObservedState> before = host.observe();
  if (!before) {
    report.error = before.error();
    return report;
  }
  report.before = *before;

  // 2. The plan. Refused or empty: done, nothing changed.
  report.plan = plan(spec, report.before, settings.plan);
  if (settings.vetPlan) {
    std::vector<Finding> vetted = settings.vetPlan(report.before, report.plan);
    report.plan.preflight.insert(report.plan.preflight.begin(), vetted.begin(), vetted.end());
  }
  if (settings.reporter) settings.reporter->planned(report.plan);
  if (report.plan.refused()) {
    report.status = ApplyStatus::refused;
    return report;
  }
  if (report.plan.empty()) {
    report.status = ApplyStatus::noChanges;
    return report;
  }
  if (settings.beforeChanges) {
    Result<void> saved = settings.beforeChanges(report.before, report.plan);
    if (!saved) {
      report.error = saved.error();
      return report;
    }
  }

  // 3. Execute; on a failure or an interrupt, roll back unless told not to.
  if (settings.reporter) settings.reporter->executing(report.plan);
  report.execution = execute(report.plan, host, executeOptions(settings));
  if (!report.execution.ok()) {
    if (settings.rollback == Rollback::no) {
      report.status = ApplyStatus::notRolledBack;
      return report;
    }
    rollBack(report, host, settings);
    return report;
  }

  // 4. Verify: observe again and plan again; anything left is a failure.
  if (settings.reporter) settings.reporter->phase("verifying");
  Result<ObservedState> after = host.observe();
  if (!after) {
    report.error = after.error();
    report.status = ApplyStatus::notConverged;
    return report;
  }
  Plan again = plan(spec, *after, settings.plan);
  report.leftover = again.actions;
  report.status = again.empty() ? ApplyStatus::converged : ApplyStatus::notConverged;
  return report;
}

}  // namespace sriov::reconcile
