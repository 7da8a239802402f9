// The validate subcommand: load each spec, print its diagnostics, exit 3 on any error.
#include "cmd/validate_command.h"

#include <unistd.h>

#include <fstream>

#include "cmd/diagnostics_output.h"
#include "reconcile/state_file.h"
#include "schema/input_file.h"
#include "schema/loader.h"
#include "schema/yaml_budget.h"

namespace sriov::cmd {
namespace {

std::string counted(size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

// A state file (kind: HostState, as `show` prints) rather than a spec.
bool isStateFile(const std::string& text) {
  schema::TextColumns columns(text);
  schema::YamlRead read = schema::readYaml(text, schema::YamlLimits{}, columns);
  if (read.scan.error || read.scan.documents != 1) return false;  // the spec loader reports it
  schema::YamlNode kind = read.tree.root()["kind"];
  return kind.isScalar() && kind.scalar() == reconcile::kStateKind;
}

// The state file's first problem as a diagnostic, at its place when it has one.
schema::Diagnostics stateDiagnostics(const std::string& path, const Error& error) {
  schema::Diagnostics d(path);
  if (error.line > 0)
    d.error({error.line, error.col}, error.detail);
  else
    d.error({}, error.message);
  return d;
}

}  // namespace

int runValidate(const ValidateOptions& options, std::ostream& out) {
  bool failed = false;
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  bool color = options.output == OutputFormat::text && colorWanted(options.color, STDOUT_FILENO);
  for (const std::string& path : options.specs) {
    // Read once: "-", /dev/stdin and <(...) cannot be read twice.
    Result<std::string> text = schema::readInputFile(path, schema::kMaxStateBytes, "the spec");
    if (text && isStateFile(*text)) {
      Result<reconcile::ObservedState> state = reconcile::parseStateYaml(*text, path);
      schema::Diagnostics d =
          state ? schema::Diagnostics(path) : stateDiagnostics(path, state.error());
      failed = failed || !state;
      if (options.output == OutputFormat::json) {
        files.push_back({{"file", path},
                         {"kind", reconcile::kStateKind},
                         {"valid", state.ok()},
                         {"errors", d.errorCount()},
                         {"warnings", 0},
                         {"diagnostics", diagnosticsJson(d.sorted())}});
      } else if (state) {
        out << path << ": valid state file (" << counted(state->pfs.size(), "PF") << ", "
            << counted(state->networks.size(), "network") << ", "
            << counted(state->domains.size(), "domain") << ")\n";
      } else {
        printDiagnostics(out, d.sorted(), color);
        out << path << ": 1 error, 0 warnings\n";
      }
      continue;
    }
    schema::LoadResult loaded{schema::Spec{}, schema::Diagnostics(path)};
    if (!text) {
      loaded.diagnostics.error({}, text.error().message);
    } else if (text->size() > schema::kMaxSpecBytes) {
      loaded.diagnostics.error({}, "cannot read the spec: it is larger than the limit of " +
                                       schema::bytesText(schema::kMaxSpecBytes));
    } else {
      loaded = schema::loadSpec(*text, path);
    }
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
    out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return failed ? kExitInvalidSpec : kExitOk;
}

}  // namespace sriov::cmd
