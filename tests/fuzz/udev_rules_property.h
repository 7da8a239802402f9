// The property the udev-rules fuzz target and its reproducers' test check: the rules file
// written for any observed PF name and address has only comment and rule lines, each rule with
// exactly its own keys, so no byte of a name can start a line or a key of its own.
#pragma once

#include <algorithm>
#include <optional>
#include <string>

#include "reconcile/persistence.h"

namespace sriov::fuzz {

// The input as the fuzz target reads it, netdev TAB pci: what is wrong with the rules written
// for it, or nullopt when nothing is.
inline std::optional<std::string> udevRulesProblem(const std::string& input) {
  size_t cut = input.find('\t');
  std::string netdev = input.substr(0, cut);
  std::string pci = cut == std::string::npos ? "" : input.substr(cut + 1);
  std::string rules =
      reconcile::persistenceRules({{netdev, pci, 3}, {"", pci, 1}, {netdev, "0000:03:00.0", 2}});
  size_t start = 0, rulesSeen = 0;
  while (start < rules.size()) {
    size_t end = rules.find('\n', start);
    if (end == std::string::npos) return "a line does not end: " + rules.substr(start);
    std::string line = rules.substr(start, end - start);
    if (line.rfind("ACTION==", 0) == 0) {
      ++rulesSeen;
      // A rule line has exactly its own keys: quotes come in the fixed count.
      if (std::count(line.begin(), line.end(), '"') != 8) return "a rule has other keys: " + line;
    } else if (line.rfind("# ", 0) != 0) {
      return "a line is neither a rule nor a comment: " + line;
    }
    start = end + 1;
  }
  if (rulesSeen != 3) return std::to_string(rulesSeen) + " rules instead of 3";
  return std::nullopt;
}

}  // namespace sriov::fuzz
