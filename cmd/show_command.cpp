// Prints the observed host state for `sriov-apply show`.
#include "cmd/show_command.h"

#include <unistd.h>

#include "cmd/diagnostics_output.h"
#include "cmd/error_output.h"
#include "reconcile/as_spec.h"
#include "reconcile/state_file.h"

namespace sriov::cmd {

int runShow(const ShowOptions& options, reconcile::HostReader& host, std::ostream& out,
            std::ostream& err) {
  Result<reconcile::ObservedState> state = host.observe();
  const bool json = options.output == OutputFormat::json;
  if (!state)
    return printFailure(failureOf(state.error()), json, out, err,
                        colorWanted(Color::automatic, STDERR_FILENO));
  if (options.asSpec) {
    if (json) {
      out << reconcile::toSpecJson(*state).dump(2, ' ', false,
                                                nlohmann::json::error_handler_t::replace)
          << "\n";
    } else {
      out << reconcile::toSpecYaml(*state);
    }
  } else if (json) {
    out << reconcile::toStateJson(*state).dump(2, ' ', false,
                                               nlohmann::json::error_handler_t::replace)
        << "\n";
  } else {
    out << reconcile::toStateYaml(*state);
  }
  return 0;
}

}  // namespace sriov::cmd
