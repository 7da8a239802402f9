// libFuzzer target: the spec loader (YAML scan, shape check, build, cross-references) on any text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "schema/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  sriov::schema::LoadResult loaded = sriov::schema::loadSpec(text, "fuzz.yaml");
  (void)loaded.diagnostics.sorted();
  return 0;
}
