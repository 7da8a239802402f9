// The doctor's probe: reads, under a root folder, what its checks judge (sysfs, /proc, the
// boot loader, SELinux, other network managers' real files, libvirt) into HostFacts. Read only.
#pragma once

#include <string>

#include "reconcile/planning/doctor_checks.h"

namespace sriov::reconcile {

struct ProbeOptions {
  std::string root = "/";  // prefixes every path read
  std::string connectUri;  // libvirt; empty: not asked
  std::string release;     // kernel release for /lib/modules; empty: uname's
};

HostFacts probeHost(const ProbeOptions& options);

}  // namespace sriov::reconcile
