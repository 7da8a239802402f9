// Text and JSON renderings of spec diagnostics.
#include "cmd/diagnostics_output.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

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
    const char* tint = d.severity == schema::Severity::error ? "\033[1;31m" : "\033[1;33m";
    out << "\033[1m" << place << ":\033[0m " << tint << schema::toString(d.severity) << ":\033[0m "
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

bool colorWanted(Color color, int fd) {
  if (color == Color::never) return false;
  const char* noColor = std::getenv("NO_COLOR");
  if (noColor && *noColor) return false;
  const char* term = std::getenv("TERM");
  if (!term || !*term || std::string(term) == "dumb") return false;
  return isatty(fd) == 1;
}

}  // namespace sriov::cmd
