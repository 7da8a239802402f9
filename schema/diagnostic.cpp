// Collecting, sorting and printing spec diagnostics.
#include "schema/diagnostic.h"

#include <algorithm>

namespace sriov::schema {

void Diagnostics::error(Position pos, std::string message) {
  items_.push_back({file_, pos.line, pos.col, Severity::error, std::move(message)});
}

void Diagnostics::warning(Position pos, std::string message) {
  items_.push_back({file_, pos.line, pos.col, Severity::warning, std::move(message)});
}

bool Diagnostics::hasErrors() const {
  return errorCount() > 0;
}

size_t Diagnostics::errorCount() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::error;
  }));
}

size_t Diagnostics::warningCount() const {
  return items_.size() - errorCount();
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.col < b.col;
  });
  return out;
}

const char* toString(Severity severity) {
  return severity == Severity::error ? "error" : "warning";
}

std::string format(const Diagnostic& d) {
  std::string out = d.file;
  if (d.line > 0) out += ":" + std::to_string(d.line) + ":" + std::to_string(d.col);
  out += ": ";
  out += toString(d.severity);
  out += ": ";
  out += d.message;
  return out;
}

}  // namespace sriov::schema
