// libFuzzer target: the udev rules file for any observed PF name and address has only comment
// and rule lines (no byte of a name can start a line or a key of its own).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "reconcile/persistence.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  size_t cut = in.find('\t');
  std::string netdev = in.substr(0, cut);
  std::string pci = cut == std::string::npos ? "" : in.substr(cut + 1);
  std::string rules = sriov::reconcile::persistenceRules(
      {{netdev, pci, 3}, {"", pci, 1}, {netdev, "0000:03:00.0", 2}});
  size_t start = 0, rulesSeen = 0;
  while (start < rules.size()) {
    size_t end = rules.find('\n', start);
    if (end == std::string::npos) std::abort();  // every line ends
    std::string line = rules.substr(start, end - start);
    if (line.rfind("ACTION==", 0) == 0) {
      ++rulesSeen;
      // A rule line has exactly its own keys: quotes come in the fixed count.
      size_t quotes = 0;
      for (char c : line) quotes += c == '"';
      if (quotes != 8) std::abort();
    } else if (line.rfind("# ", 0) != 0) {
      std::abort();
    }
    start = end + 1;
  }
  if (rulesSeen != 3) std::abort();
  return 0;
}
