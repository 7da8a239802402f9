// libFuzzer target: the state file loader on any text; a state that loads must print and reload.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "reconcile/state_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  sriov::Result<sriov::reconcile::ObservedState> state =
      sriov::reconcile::parseStateYaml(text, "fuzz.state.yaml");
  if (!state) return 0;
  // What sriov-apply writes back must load again (apply saves the state it loaded).
  std::string again = sriov::reconcile::toStateYaml(*state);
  if (!sriov::reconcile::parseStateYaml(again, "again.state.yaml")) std::abort();
  (void)sriov::reconcile::toStateJson(*state);
  return 0;
}
