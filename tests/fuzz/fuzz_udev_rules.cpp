// libFuzzer target: the udev rules file for any observed PF name and address has only comment
// and rule lines (no byte of a name can start a line or a key of its own).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "tests/fuzz/udev_rules_property.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  if (sriov::fuzz::udevRulesProblem(in)) std::abort();
  return 0;
}
