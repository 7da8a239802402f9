// The command line as parsed: one struct per concern, filled by CLI11 in cli.cpp.
#pragma once

#include <string>
#include <vector>

namespace sriov::cmd {

// Options of every subcommand that touches a host (SPEC.md, "Command line").
struct HostOptions {
  std::string sysfsRoot = "/sys";
  std::string connectUri = "qemu:///system";
  std::string stateFile;  // non-empty: simulated host loaded from this state file
};

enum class OutputFormat { text, json, yaml };

struct ShowOptions {
  HostOptions host;
  OutputFormat output = OutputFormat::yaml;  // yaml | json
  bool asSpec = false;
};

}  // namespace sriov::cmd
