// The command line's grammar: every subcommand and option as CLI11 definitions, parsed into one
// CommandLine value. Parsing prints only what the user asked for (help, the version).
#pragma once

#include <optional>
#include <string>

#include "cmd/default_subcommand.h"
#include "cmd/options.h"

namespace sriov::cmd {

enum class Command { apply, plan, show, validate, schema, doctor };

struct CommandLine {
  Command command = Command::apply;
  std::string logLevel = "warn";  // spdlog's level names
  ApplyOptions apply;             // apply and plan
  ShowOptions show;
  DoctorOptions doctor;
  ValidateOptions validate;
  std::string schemaKind = "spec";  // schema: spec | state
  // Set when the line asked for help or the version, which parsing printed to stdout: the run
  // ends with this exit code.
  std::optional<int> printed;
};

// Parses argv (`apply` is the default subcommand). Throws UsageError for a bad line.
CommandLine parseCommandLine(int argc, char** argv);

}  // namespace sriov::cmd
