// Prints the doctor's findings as text (one line each) or as one JSON document
// (schema/doctor.schema.json).
#include "cmd/doctor_command.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cmd/diagnostics_output.h"
#include "cmd/error_output.h"
#include "reconcile/host/host_probe.h"
#include "schema/loader.h"
#include "schema/text_check.h"

namespace sriov::cmd {

int runDoctor(const DoctorOptions& options, std::ostream& out, std::ostream& err) {
  const bool json = options.output == OutputFormat::json;
  std::optional<schema::LoadResult> loaded;
  if (!options.spec.empty()) {
    loaded = schema::loadSpecFile(options.spec, nullptr);
    if (loaded->diagnostics.hasErrors())
      return printFailure({kExitInvalidSpec, "", loaded->diagnostics.sorted(), {}}, json, out, err,
                          colorWanted(Color::automatic, STDERR_FILENO));
  }
  reconcile::HostFacts facts = reconcile::probeHost({options.root, options.connectUri, {}});
  std::vector<reconcile::DoctorFinding> findings =
      reconcile::doctorChecks(facts, loaded ? &loaded->spec : nullptr);
  const bool blocked = reconcile::blocks(findings);
  if (json) {
    nlohmann::ordered_json doc;
    doc["apiVersion"] = "sriov-apply/v1";
    doc["kind"] = "DoctorReport";
    doc["ready"] = !blocked;
    doc["findings"] = nlohmann::ordered_json::array();
    for (const reconcile::DoctorFinding& f : findings) {
      nlohmann::ordered_json j;
      j["severity"] = reconcile::severityName(f.severity);
      j["check"] = f.check;
      j["target"] = schema::printable(f.target);
      j["seen"] = schema::printable(f.seen);
      j["why"] = f.why;
      if (!f.fix.empty()) j["fix"] = schema::printable(f.fix);
      doc["findings"].push_back(std::move(j));
    }
    out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    for (const reconcile::DoctorFinding& f : findings) {
      out << reconcile::severityName(f.severity) << ": " << f.check << " "
          << schema::printable(f.target) << ": " << schema::printable(f.seen) << " (" << f.why
          << ")";
      if (!f.fix.empty()) out << "; fix: " << schema::printable(f.fix);
      out << "\n";
    }
    out << (blocked ? "not ready: fix the errors above\n" : "ready\n");
  }
  return blocked ? kExitRefused : kExitOk;
}

}  // namespace sriov::cmd
