// A problem found in a spec: where (file, line, column), how bad, and what to do about it.
#pragma once

#include <string>
#include <vector>

#include "schema/spec.h"

namespace sriov::schema {

enum class Severity { error, warning };

struct Diagnostic {
  std::string file;
  int line = 0;  // 1-based; 0 when the problem has no place in the file
  int col = 0;
  Severity severity = Severity::error;
  std::string message;
};

// Collects diagnostics for one file; the order they are added in does not matter.
class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void error(Position pos, std::string message);
  void warning(Position pos, std::string message);

  bool hasErrors() const;
  size_t errorCount() const;
  size_t warningCount() const;
  // Sorted by position (line, column), then in the order added.
  std::vector<Diagnostic> sorted() const;
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<Diagnostic> items_;
};

// "host.yaml:3:5: error: unknown key 'numVf'; did you mean 'numVfs'?"
std::string format(const Diagnostic& d);
const char* toString(Severity severity);

}  // namespace sriov::schema
