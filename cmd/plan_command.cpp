// The plan subcommand: every step is a value; the exit code follows SPEC.md.
#include "cmd/plan_command.h"

#include <unistd.h>

#include "cmd/diagnostics_output.h"
#include "cmd/plan_output.h"
#include "reconcile/planner.h"
#include "schema/loader.h"

namespace sriov::cmd {

int runPlan(const ApplyOptions& options, reconcile::HostReader& host, std::ostream& out,
            std::ostream& err) {
  // 1. The spec: every problem at once, then stop.
  schema::LoadResult loaded = schema::loadSpecFile(options.spec);
  printDiagnostics(err, loaded.diagnostics.sorted(), colorWanted(options.color, STDERR_FILENO));
  if (loaded.diagnostics.hasErrors()) return kExitInvalidSpec;

  // 2. The host as it is.
  Result<reconcile::ObservedState> observed = host.observe();
  if (!observed) {
    err << "sriov-apply: error: " << observed.error().message << "\n";
    return kExitFailure;
  }

  // 3. The plan, pure.
  reconcile::PlanOptions planOptions;
  planOptions.force = options.force;
  planOptions.takeOverNetworks = options.force;
  planOptions.maxDisruption =
      reconcile::parseDisruption(options.maxDisruption).value_or(reconcile::Disruption::recreate);
  planOptions.persistFile = options.persistFile;
  reconcile::Plan plan = reconcile::plan(loaded.spec, *observed, planOptions);

  // 4. Print it.
  if (options.output == OutputFormat::json) {
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
