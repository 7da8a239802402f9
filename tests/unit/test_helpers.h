// Small helpers shared by the unit tests: loading specs from strings, reading files.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "schema/loader.h"

// Readable failures: diagnostics one per line. (doctest 2.4.9 cannot print enum classes:
// compare toString() of them instead.)
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& lines) {
    std::string out = "\n";
    for (const std::string& l : lines) out += "  " + l + "\n";
    return out.c_str();
  }
};
}  // namespace doctest

namespace sriov::test {

// Every diagnostic of spec text (file name "t.yaml"), formatted, sorted by position.
std::vector<std::string> diagnosticsOf(const schema::LoadResult& loaded);
inline std::vector<std::string> diagnosticsOf(const std::string& text) {
  return diagnosticsOf(schema::loadSpec(text, "t.yaml"));
}

inline std::vector<std::string> diagnosticsOf(const schema::LoadResult& loaded) {
  std::vector<std::string> out;
  for (const schema::Diagnostic& d : loaded.diagnostics.sorted()) out.push_back(schema::format(d));
  return out;
}

// The spec header most cases start from.
inline const std::string kHeader = "apiVersion: sriov-apply/v1\n";

std::string readText(const std::string& path);
void writeText(const std::string& path, const std::string& text);
// A shell command's exit code (-1 when it did not exit) and standard output.
struct CommandRun {
  int code = -1;
  std::string out;
};
CommandRun runCommand(const std::string& command);
// The sriov-apply binary under test: $SRIOV_APPLY_BIN, else the one this build made.
std::string binaryUnderTest();
// True when SRIOV_UPDATE_GOLDEN=1: golden tests rewrite their expected files instead.
bool updateGolden();

}  // namespace sriov::test
