// Text and JSON renderings of spec diagnostics.
#include "cmd/diagnostics_output.h"

#include <string>

#include "cmd/terminal_style.h"
#include "schema/text_check.h"

namespace sriov::cmd {

void printDiagnostics(std::ostream& out, const std::vector<schema::Diagnostic>& diagnostics,
                      bool color) {
  for (const schema::Diagnostic& d : diagnostics) {
    // Messages quote what the file holds: escaped (schema::printable) for the terminal.
    if (!color) {
      out << schema::printable(schema::format(d)) << "\n";
      continue;
    }
    std::string place = schema::printable(d.file);
    if (d.line > 0) place += ":" + std::to_string(d.line) + ":" + std::to_string(d.col);
    Style tint = d.severity == schema::Severity::error ? Style::error : Style::warning;
    out << styled(place + ":", Style::heading, true) << " "
        << styled(std::string(schema::toString(d.severity)) + ":", tint, true) << " "
        << schema::printable(d.message) << "\n";
  }
}

nlohmann::ordered_json diagnosticsJson(const std::vector<schema::Diagnostic>& diagnostics) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const schema::Diagnostic& d : diagnostics) {
    list.push_back({{"file", d.file},
                    {"line", d.line},
                    {"col", d.col},
                    {"severity", schema::toString(d.severity)},
                    {"message", d.message}});
  }
  return list;
}

}  // namespace sriov::cmd
