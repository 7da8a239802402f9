// The command line: parses argv with CLI11, runs a subcommand, returns the exit code (SPEC.md).
#pragma once

namespace sriov::cmd {

int run(int argc, char** argv);

}  // namespace sriov::cmd
