// File helpers for the unit tests.
#include "tests/unit/test_helpers.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sriov::test {

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

bool updateGolden() {
  const char* v = std::getenv("SRIOV_UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

}  // namespace sriov::test
