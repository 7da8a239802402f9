// `sriov-apply doctor`: probe the host, judge it (with a spec, against it) and print one line
// per finding with its fix; never changes anything.
#pragma once

#include <ostream>

#include "cmd/options.h"

namespace sriov::cmd {

// Exit 0 when nothing blocks, 4 when a finding is an error, 3 for an invalid spec.
int runDoctor(const DoctorOptions& options, std::ostream& out, std::ostream& err);

}  // namespace sriov::cmd
