// The plan subcommand: every step is a value; the exit code follows SPEC.md.
#include "cmd/plan_command.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>

#include "cmd/diagnostics_output.h"
#include "cmd/error_output.h"
#include "cmd/plan_output.h"
#include "cmd/saved_plan.h"
#include "reconcile/host/atomic_file.h"
#include "reconcile/plan_facts.h"
#include "reconcile/planner.h"
#include "schema/loader.h"

namespace sriov::cmd {

reconcile::PlanOptions planOptionsOf(const ApplyOptions& options) {
  reconcile::PlanOptions planOptions;
  planOptions.force = options.force;
  planOptions.takeOverNetworks = options.force;
  planOptions.maxDisruption =
      reconcile::parseDisruption(options.maxDisruption).value_or(reconcile::Disruption::recreate);
  planOptions.persistFile = options.persistFile;
  planOptions.phase = reconcile::parsePhase(options.phase).value_or(reconcile::Phase::all);
  return planOptions;
}

int runPlan(const ApplyOptions& options, reconcile::HostReader& host, std::ostream& out,
            std::ostream& err) {
  // 1. The spec: every problem at once, then stop.
  std::string specText;
  schema::LoadResult loaded = schema::loadSpecFile(options.spec, &specText);
  const bool json = options.output == OutputFormat::json;
  bool errColor = colorWanted(options.color, STDERR_FILENO);
  if (loaded.diagnostics.hasErrors())
    return printFailure({kExitInvalidSpec, "", loaded.diagnostics.sorted(), {}}, json, out, err,
                        errColor);
  printDiagnostics(err, loaded.diagnostics.sorted(), errColor);

  // 2. The host as it is.
  std::chrono::steady_clock::time_point begin = std::chrono::steady_clock::now();
  Result<reconcile::ObservedState> observed = host.observe();
  spdlog::debug("observed the host in {} ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  std::chrono::steady_clock::now() - begin)
                                                  .count());
  if (!observed) return printFailure(failureOf(observed.error()), json, out, err, errColor);

  // 3. The plan, pure.
  reconcile::PlanOptions planOptions = planOptionsOf(options);
  reconcile::Plan plan = reconcile::plan(reconcile::specForPhase(loaded.spec, planOptions.phase),
                                         *observed, planOptions);

  // 4. Saved for `apply FILE` before anything is printed (stdout holds one document); a refused
  // plan is not saved: there is nothing to apply.
  if (!options.out.empty() && !plan.refused()) {
    nlohmann::ordered_json saved =
        savedPlanJson(plan, options.spec, specText, reconcile::planFacts(loaded.spec, *observed),
                      options, utcNow());
    Result<void> written = reconcile::writeFileAtomically(
        options.out, saved.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
        reconcile::Folders::mustExist);
    if (!written) return printFailure(failureOf(written.error()), json, out, err, errColor);
    err << "sriov-apply: saved the plan to " << options.out << "; apply it with: sriov-apply apply "
        << options.out << "\n";
  }
  // 5. Print it.
  if (json) {
    out << planJson(plan).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    bool color = colorWanted(options.color, STDOUT_FILENO);
    out << planText(plan, options.spec, color ? Colors::on : Colors::off);
  }
  if (plan.refused()) return kExitRefused;
  if (options.detailedExitcode && !plan.empty()) return kExitChanges;
  return kExitOk;
}

}  // namespace sriov::cmd
