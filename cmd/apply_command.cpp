// The apply subcommand: the steps of an apply, each one a value, printed as it goes.
#include "cmd/apply_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>

#include "cmd/diagnostics_output.h"
#include "cmd/error_output.h"
#include "cmd/lock_file.h"
#include "cmd/plan_command.h"
#include "cmd/plan_output.h"
#include "cmd/snapshot.h"
#include "reconcile/apply.h"
#include "reconcile/host/atomic_file.h"
#include "reconcile/host/pf_wait.h"
#include "reconcile/state_file.h"
#include "schema/loader.h"

namespace sriov::cmd {
namespace {

using reconcile::Action;
using reconcile::ActionOutcome;
using reconcile::ApplyReport;
using reconcile::ApplyStatus;

std::string seconds(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

std::string change(const Action& a) {
  return (a.from ? *a.from : "(none)") + " → " + (a.to ? *a.to : "(none)");
}

nlohmann::ordered_json outcomesJson(const reconcile::Plan& plan,
                                    const reconcile::ExecuteResult& result) {
  nlohmann::ordered_json actions = planJson(plan)["actions"];
  for (size_t i = 0; i < actions.size() && i < result.actions.size(); ++i) {
    const ActionOutcome& o = result.actions[i];
    actions[i]["outcome"] = toString(o.outcome);
    actions[i]["durationMs"] = o.duration.count();
    if (!o.error.empty()) actions[i]["error"] = o.error;
  }
  return actions;
}

nlohmann::ordered_json reportJson(const ApplyReport& r, const std::string& snapshot) {
  nlohmann::ordered_json j = {
      {"apiVersion", "sriov-apply/v1"},
      {"kind", "ApplyResult"},
      {"status", toString(r.status)},
      {"changes", !r.plan.actions.empty() && r.status != ApplyStatus::refused}};
  nlohmann::ordered_json plan = planJson(r.plan);
  plan["actions"] = outcomesJson(r.plan, r.execution);
  j["plan"] = plan;
  if (r.error) j["error"] = r.error->message;
  if (!snapshot.empty()) j["snapshot"] = snapshot;
  if (r.rollbackPlan) {
    j["rollback"] = {{"actions", outcomesJson(*r.rollbackPlan, *r.rollback)}};
    j["differences"] = r.differences;
  }
  if (!r.leftover.empty()) {
    reconcile::Plan left;
    left.actions = r.leftover;
    j["leftover"] = planJson(left)["actions"];
  }
  return j;
}

std::vector<reconcile::WantedPf> wantedPfs(const schema::Spec& spec, const std::string& file) {
  std::vector<reconcile::WantedPf> wanted;
  for (const schema::Pf& pf : spec.pfs)
    wanted.push_back({pf.name.value_or(""), pf.pci.value_or(""),
                      file + ":" + std::to_string(pf.pos.line) + ":" + std::to_string(pf.pos.col)});
  return wanted;
}

}  // namespace

int runApply(const ApplyOptions& options, const std::function<Result<HostHandle>()>& makeHost,
             const std::atomic<bool>* stop, std::ostream& out, std::ostream& err) {
  bool text = options.output == OutputFormat::text;
  bool color = text && colorWanted(options.color, STDOUT_FILENO);

  // 1. The spec: every problem at once, then stop.
  schema::LoadResult loaded = schema::loadSpecFile(options.spec);
  bool errColor = colorWanted(options.color, STDERR_FILENO);
  if (loaded.diagnostics.hasErrors())
    return printFailure({kExitInvalidSpec, "", loaded.diagnostics.sorted(), {}}, !text, out, err,
                        errColor);
  printDiagnostics(err, loaded.diagnostics.sorted(), errColor);

  // 2. One apply per host: the real host's lock file, or the state file's own.
  // The lock comes before the host is observed (or the state file read): two applies at once
  // must not both plan from the same old state and the later save lose the earlier one's work.
  bool simulated = !options.host.stateFile.empty();
  struct stat link {};
  if (simulated && ::lstat(options.host.stateFile.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    return printFailure(failureOf(Error{"the state file " + options.host.stateFile +
                                            " is a symbolic link; apply replaces the file it "
                                            "names, so give the real file",
                                        ELOOP}),
                        !text, out, err, errColor);
  }
  std::string lockPath = simulated ? options.host.stateFile + ".lock" : options.lockFile;
  Result<LockFile> lock = LockFile::acquire(
      lockPath, std::chrono::seconds(options.lockTimeoutSeconds), stop,
      [&](const std::string& holder) {
        err << "sriov-apply: waiting for the lock held by "
            << (holder.empty() ? "another sriov-apply" : "pid " + holder) << " (" << lockPath
            << "; up to " << options.lockTimeoutSeconds << " s, --lock-timeout; Ctrl-C to stop)\n"
            << std::flush;
      });
  if (!lock) return printFailure(failureOf(lock.error()), !text, out, err, errColor);
  // At boot the PF drivers may still be probing: wait (bounded) for the spec's own PFs.
  if (options.waitForPfsSeconds > 0 && !simulated) {
    Result<void> there = reconcile::waitForPfs(
        options.host.sysfsRoot, wantedPfs(loaded.spec, options.spec),
        std::chrono::seconds(options.waitForPfsSeconds), stop,
        [&](const std::string& line) { (text ? out : err) << "==> " << line << "\n" << std::flush; });
    if (!there) return printFailure(failureOf(there.error()), !text, out, err, errColor);
  }
  Result<HostHandle> made = makeHost();
  if (!made) return printFailure(failureOf(made.error()), !text, out, err, errColor);
  HostHandle& handle = *made;

  // 3. Plan, snapshot, execute, verify, roll back: reconcile::apply, with progress here.
  reconcile::ApplySettings settings;
  settings.plan = planOptionsOf(options);
  settings.execute.jobs = options.jobs;
  settings.execute.guestTimeout = std::chrono::seconds(options.shutdownTimeoutSeconds);
  settings.execute.stop = stop;
  settings.rollback = options.rollback ? reconcile::Rollback::yes : reconcile::Rollback::no;
  std::string snapshot;
  size_t total = 0;
  settings.beforeChanges = [&](const reconcile::ObservedState& before) -> Result<void> {
    if (!handle.simulated) {
      Result<std::string> saved = saveSnapshot(options.snapshotDir, before);
      if (!saved) return saved.error();
      snapshot = *saved;
    }
    return Result<void>();
  };
  if (text) {
    settings.execute.observer.started = [&](const Action& a) {
      out << "[" << a.id << "/" << total << "] " << toString(a.kind) << " " << a.target << " "
          << change(a) << " ...\n"
          << std::flush;
    };
    settings.execute.observer.finished = [&](const Action& a, const ActionOutcome& o) {
      out << "[" << a.id << "/" << total << "] " << toString(a.kind) << " " << a.target << " "
          << (o.outcome == reconcile::Outcome::done
                  ? "done in " + seconds(o.duration)
                  : "FAILED after " + seconds(o.duration) + ": " + o.error)
          << "\n"
          << std::flush;
    };
    settings.phase = [&](const std::string& what) { out << "==> " << what << "\n" << std::flush; };
    settings.executing = [&](const reconcile::Plan& p) { total = p.actions.size(); };
  }
  // The plan is printed as soon as it is made, before anything changes.
  settings.planned = [&](const reconcile::Plan& planned) {
    total = planned.actions.size();
    if (!text) return;
    out << planText(planned, options.spec, color ? Colors::on : Colors::off);
    if (!planned.refused() && !planned.empty())
      out << "\n==> applying " << total << " action" << (total == 1 ? "" : "s") << "\n";
  };
  ApplyReport report =
      reconcile::apply(reconcile::specForPhase(loaded.spec, settings.plan.phase), *handle.host,
                       settings);
  Result<void> saved = handle.save();
  if (!saved) err << "sriov-apply: error: " << saved.error().message << "\n";

  // 4. Report.
  if (!text)
    out << reportJson(report, snapshot)
               .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
        << "\n";
  const ActionOutcome* failure = report.execution.firstFailure();
  std::string failedAt;
  if (failure) {
    for (const Action& a : report.plan.actions)
      if (a.id == failure->id)
        failedAt = std::to_string(a.id) + " (" + toString(a.kind) + " " + a.target + ")";
  }
  switch (report.status) {
    case ApplyStatus::noChanges:  // the plan printed says so
      return kExitOk;
    case ApplyStatus::converged:
      if (text)
        out << "\nApplied " << report.plan.actions.size() << " action"
            << (report.plan.actions.size() == 1 ? "" : "s") << "; the host matches " << options.spec
            << ".\n";
      return options.detailedExitcode ? kExitChanges : kExitOk;
    case ApplyStatus::refused:  // the plan printed says why
      return kExitRefused;
    case ApplyStatus::failed:
      err << "sriov-apply: error: " << (report.error ? report.error->message : "apply failed")
          << "; nothing was changed\n";
      return kExitFailure;
    case ApplyStatus::notConverged:
      err << "sriov-apply: error: every action succeeded, but the host still does not match "
          << options.spec << "; planning again still wants:\n";
      for (const Action& a : report.leftover)
        err << "  " << toString(a.kind) << " " << a.target << " " << change(a) << "\n";
      return kExitFailure;
    case ApplyStatus::rolledBack:
      err << "sriov-apply: error: "
          << (report.execution.interrupted && !failure
                  ? "interrupted"
                  : "action " + failedAt + " failed: " + (failure ? failure->error : ""))
          << "\nsriov-apply: rolled back: the host is as it was before this apply"
          << (snapshot.empty() ? "" : " (snapshot: " + snapshot + ")") << "\n";
      return kExitFailure;
    case ApplyStatus::rollbackFailed:
      err << "sriov-apply: error: "
          << (failure ? "action " + failedAt + " failed: " + failure->error : "apply interrupted")
          << "\nsriov-apply: error: the rollback did not restore the host; still different:\n";
      for (const std::string& d : report.differences) err << "  " << d << "\n";
      if (!snapshot.empty())
        err << "sriov-apply: the state before this apply: " << snapshot << "\n";
      return kExitFailure;
    case ApplyStatus::notRolledBack:
      err << "sriov-apply: error: "
          << (failure ? "action " + failedAt + " failed: " + failure->error : "apply interrupted")
          << "\nsriov-apply: left as it is (--no-rollback); run apply again to converge"
          << (snapshot.empty() ? "" : ", or see " + snapshot) << "\n";
      return kExitFailure;
  }
  return kExitFailure;
}

}  // namespace sriov::cmd
