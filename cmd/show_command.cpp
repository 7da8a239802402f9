// Prints the observed host state for `sriov-apply show`.
#include "cmd/show_command.h"

#include "reconcile/as_spec.h"
#include "reconcile/state_file.h"

namespace sriov::cmd {

int runShow(const ShowOptions& options, reconcile::HostReader& host, std::ostream& out,
            std::ostream& err) {
  Result<reconcile::ObservedState> state = host.observe();
  if (!state) {
    err << "sriov-apply: error: " << state.error().message << "\n";
    return 1;
  }
  const bool json = options.output == OutputFormat::json;
  if (options.asSpec) {
    if (json) {
      out << reconcile::toSpecJson(*state).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      out << reconcile::toSpecYaml(*state);
    }
  } else if (json) {
    out << reconcile::toStateJson(*state).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    out << reconcile::toStateYaml(*state);
  }
  return 0;
}

}  // namespace sriov::cmd
