// The corpus check (issue 13): one libvirt XML file (a domain or a network) turned into a state
// file with PFs and VFs under every SR-IOV device it names, then run through the state file
// loader, show --as-spec, the spec loader and the planner, and once more with one field changed.
#pragma once

#include <string>

namespace sriov::testing {

struct CorpusOutcome {
  std::string file;
  std::string kind;     // "hostdev", "interface" (a domain with a hostdev interface), "network"
  bool loaded = false;  // the state file with this XML loads
  size_t devices = 0;   // SR-IOV devices (or pooled VFs) the XML has, read like libvirt does
  size_t found = 0;     // of those, the ones as-spec describes or leaves out saying why
  bool valid = false;   // as-spec's spec loads without errors
  size_t spurious = 0;  // actions the plan of as-spec has (refused counts as one)
  int oneChange = -1;   // actions after one field change; -1: nothing to change (no VF)
  std::string problem;  // the first thing that went wrong, empty when none

  bool ok() const {
    return loaded && found == devices && valid && spurious == 0 &&
           (oneChange == 1 || oneChange == -1);
  }
};

CorpusOutcome checkCorpusFile(const std::string& path);

}  // namespace sriov::testing
