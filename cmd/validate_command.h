// `sriov-apply validate SPEC...`: check specs offline and print every problem.
#pragma once

#include <ostream>

#include "cmd/options.h"

namespace sriov::cmd {

int runValidate(const ValidateOptions& options, std::ostream& out);

}  // namespace sriov::cmd
