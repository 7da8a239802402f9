// The words of the command line before CLI11 sees them: `apply` as the default subcommand, and
// "did you mean" for a word close to a subcommand's name.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sriov::cmd {

// A bad command line, said without CLI11's internals, with "did you mean" where it helps.
struct UsageError {
  std::string message;
};

// Every subcommand's name, in the order the help lists them.
extern const std::vector<std::string> kSubcommands;

// The subcommand a word that is not one was probably meant to be, if any is close (an edit
// distance under 3 that is shorter than the name).
std::optional<std::string> closestSubcommand(const std::string& word);

// argv with `apply` inserted before the first argument that is neither a global option nor a
// subcommand, so `sriov-apply --force host.yaml` means apply. Throws UsageError for a word close
// to a subcommand that names no file (`sriov-apply paln host.yaml`).
std::vector<std::string> withDefaultSubcommand(int argc, char** argv);

// With --output json (or -o json) anywhere on the line, failures are JSON documents too.
bool jsonRequested(int argc, char** argv);

}  // namespace sriov::cmd
