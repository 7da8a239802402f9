// Printing spec diagnostics for people (compiler style, color on a TTY) and for CI (JSON).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "cmd/options.h"
#include "cmd/terminal_style.h"
#include "schema/diagnostic.h"

namespace sriov::cmd {

void printDiagnostics(std::ostream& out, const std::vector<schema::Diagnostic>& diagnostics,
                      bool color);
nlohmann::ordered_json diagnosticsJson(const std::vector<schema::Diagnostic>& diagnostics);

}  // namespace sriov::cmd
