// The validate subcommand: load each spec, print its diagnostics, exit 3 on any error.
#include "cmd/validate_command.h"

#include <unistd.h>

#include "cmd/diagnostics_output.h"
#include "schema/loader.h"

namespace sriov::cmd {
namespace {

std::string counted(size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

}  // namespace

int runValidate(const ValidateOptions& options, std::ostream& out) {
  bool failed = false;
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  bool color = options.output == OutputFormat::text && colorWanted(options.color, STDOUT_FILENO);
  for (const std::string& path : options.specs) {
    schema::LoadResult loaded = schema::loadSpecFile(path);
    const schema::Diagnostics& d = loaded.diagnostics;
    bool valid = !d.hasErrors() && !(options.strict && d.warningCount() > 0);
    failed = failed || !valid;
    if (options.output == OutputFormat::json) {
      files.push_back({{"file", path},
                       {"valid", valid},
                       {"errors", d.errorCount()},
                       {"warnings", d.warningCount()},
                       {"diagnostics", diagnosticsJson(d.sorted())}});
      continue;
    }
    printDiagnostics(out, d.sorted(), color);
    if (d.hasErrors() || d.warningCount() > 0) {
      out << path << ": " << counted(d.errorCount(), "error") << ", "
          << counted(d.warningCount(), "warning") << "\n";
    } else {
      const schema::Spec& s = loaded.spec;
      out << path << ": valid (" << counted(s.pfs.size(), "PF") << ", "
          << counted(s.networks.size(), "network") << ", " << counted(s.guests.size(), "guest")
          << ")\n";
    }
  }
  if (options.output == OutputFormat::json) {
    nlohmann::ordered_json doc = {{"apiVersion", "sriov-apply/v1"},
                                  {"kind", "ValidationResult"},
                                  {"valid", !failed},
                                  {"files", files}};
    out << doc.dump(2) << "\n";
  }
  return failed ? kExitInvalidSpec : kExitOk;
}

}  // namespace sriov::cmd
