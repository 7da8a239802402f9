// The text and JSON outputs of `apply`: progress as it goes, the result at the end.
#include "cmd/apply_reporters.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cmd/error_output.h"
#include "cmd/plan_output.h"
#include "schema/text_check.h"

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
  // Observed names reach the terminal escaped (schema::printable), as in planText.
  return (a.from ? schema::printable(*a.from) : "(none)") + " → " +
         (a.to ? schema::printable(*a.to) : "(none)");
}

nlohmann::ordered_json outcomesJson(const reconcile::Plan& plan,
                                    const reconcile::ExecuteResult& result) {
  nlohmann::ordered_json actions = planJson(plan)["actions"];
  // An action that never ran (a refused plan, a failure before the changes) is skipped.
  for (size_t i = 0; i < actions.size(); ++i) {
    const ActionOutcome o = i < result.actions.size() ? result.actions[i] : ActionOutcome{};
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

// The lines on stderr of an apply that did not end well (text and JSON alike).
void printFailureLines(std::ostream& err, const ApplyReport& report, const std::string& snapshot,
                       const std::string& specPath) {
  const ActionOutcome* failure = report.execution.firstFailure();
  std::string failedAt;
  if (failure) {
    for (const Action& a : report.plan.actions)
      if (a.id == failure->id)
        failedAt = std::to_string(a.id) + " (" + toString(a.kind) + " " + a.target + ")";
  }
  const std::string actionFailed =
      failure ? "action " + failedAt + " failed: " + failure->error : "apply interrupted";
  switch (report.status) {
    case ApplyStatus::noChanges:  // the plan printed says so
    case ApplyStatus::converged:
    case ApplyStatus::refused:  // the plan printed says why
      return;
    case ApplyStatus::failed:
      printError(err,
                 (report.error ? report.error->message : "apply failed") + "; nothing was changed");
      return;
    case ApplyStatus::notConverged:
      printError(err, "every action succeeded, but the host still does not match " + specPath +
                          "; planning again still wants:");
      for (const Action& a : report.leftover)
        err << "  " << toString(a.kind) << " " << schema::printable(a.target) << " " << change(a)
            << "\n";
      return;
    case ApplyStatus::rolledBack:
      printError(err, report.execution.interrupted && !failure ? "interrupted" : actionFailed);
      err << "sriov-apply: rolled back: the host is as it was before this apply"
          << (snapshot.empty() ? "" : " (snapshot: " + snapshot + ")") << "\n";
      return;
    case ApplyStatus::rollbackFailed:
      printError(err, actionFailed);
      printError(err, "the rollback did not restore the host; still different:");
      for (const std::string& d : report.differences) err << "  " << schema::printable(d) << "\n";
      if (!snapshot.empty())
        err << "sriov-apply: the state before this apply: " << snapshot << "\n";
      return;
    case ApplyStatus::notRolledBack:
      printError(err, actionFailed);
      err << "sriov-apply: left as it is (--no-rollback); run apply again to converge"
          << (snapshot.empty() ? "" : ", or see " + snapshot) << "\n";
      return;
  }
}

// The plan as it is made, "[id/total] kind target ..." per action, "==> step" lines, a summary.
class TextApplyOutput : public ApplyOutput {
 public:
  TextApplyOutput(bool color, std::string specPath, std::ostream& out, std::ostream& err)
      : color_(color), specPath_(std::move(specPath)), out_(out), err_(err) {}

  void planned(const reconcile::Plan& plan) override {
    total_ = plan.actions.size();
    out_ << planText(plan, specPath_, color_ ? Colors::on : Colors::off) << std::flush;
  }
  void executing(const reconcile::Plan& plan) override {
    total_ = plan.actions.size();
    // The apply's own plan (after a confirmation, if one was asked); a rollback says its phase.
    if (!applying_)
      out_ << "\n==> applying " << total_ << " action" << (total_ == 1 ? "" : "s") << "\n";
    applying_ = true;
  }
  void phase(const std::string& what) override { out_ << "==> " << what << "\n" << std::flush; }
  void started(const Action& a) override {
    out_ << "[" << a.id << "/" << total_ << "] " << toString(a.kind) << " "
         << schema::printable(a.target) << " " << change(a) << " ...\n"
         << std::flush;
  }
  void finished(const Action& a, const ActionOutcome& o) override {
    out_ << "[" << a.id << "/" << total_ << "] " << toString(a.kind) << " "
         << schema::printable(a.target) << " "
         << (o.outcome == reconcile::Outcome::done
                 ? "done in " + seconds(o.duration)
                 : "FAILED after " + seconds(o.duration) + ": " + schema::printable(o.error))
         << "\n"
         << std::flush;
  }
  void progress(const std::string& line) override {
    out_ << "    " << schema::printable(line) << "\n" << std::flush;
  }
  void result(const ApplyReport& report, const std::string& snapshot) override {
    if (report.status == ApplyStatus::converged) {
      size_t n = report.plan.actions.size();
      out_ << "\nApplied " << n << " action" << (n == 1 ? "" : "s") << "; the host matches "
           << specPath_ << ".\n";
    }
    printFailureLines(err_, report, snapshot, specPath_);
  }

 private:
  bool color_;
  std::string specPath_;
  std::ostream& out_;
  std::ostream& err_;
  size_t total_ = 0;
  bool applying_ = false;
};

// Silent as it goes (stdout holds one document); the ApplyResult document at the end.
class JsonApplyOutput : public ApplyOutput {
 public:
  JsonApplyOutput(std::string specPath, std::ostream& out, std::ostream& err)
      : specPath_(std::move(specPath)), out_(out), err_(err) {}
  void progress(const std::string& line) override {
    err_ << "sriov-apply: " << schema::printable(line) << "\n";
  }
  void result(const ApplyReport& report, const std::string& snapshot) override {
    out_ << reportJson(report, snapshot)
                .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
         << "\n";
    printFailureLines(err_, report, snapshot, specPath_);
  }

 private:
  std::string specPath_;
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace

std::unique_ptr<ApplyOutput> makeApplyOutput(OutputFormat format, bool color,
                                             const std::string& specPath, std::ostream& out,
                                             std::ostream& err) {
  if (format == OutputFormat::json) return std::make_unique<JsonApplyOutput>(specPath, out, err);
  return std::make_unique<TextApplyOutput>(color, specPath, out, err);
}

int exitCodeOf(ApplyStatus status, bool detailedExitcode) {
  switch (status) {
    case ApplyStatus::noChanges:
      return kExitOk;
    case ApplyStatus::converged:
      return detailedExitcode ? kExitChanges : kExitOk;
    case ApplyStatus::refused:
      return kExitRefused;
    case ApplyStatus::failed:
    case ApplyStatus::notConverged:
    case ApplyStatus::rolledBack:
    case ApplyStatus::rollbackFailed:
    case ApplyStatus::notRolledBack:
      return kExitFailure;
  }
  return kExitFailure;
}

}  // namespace sriov::cmd
