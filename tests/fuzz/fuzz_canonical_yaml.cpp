// libFuzzer target: whatever text the canonical YAML reader accepts, libyaml reads into the same
// tree (tests/fuzz/canonical_yaml_property.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/fuzz/canonical_yaml_property.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  sriov::fuzz::CanonicalCheck check = sriov::fuzz::checkCanonicalYaml(text);
  if (check.broken) {
    std::fprintf(stderr, "%s\n", check.broken->c_str());
    std::abort();
  }
  return 0;
}
