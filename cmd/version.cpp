// The version text: the project version from CMake (SRIOV_APPLY_VERSION).
#include "cmd/version.h"

namespace sriov::cmd {

std::string versionText() {
  return std::string("sriov-apply ") + SRIOV_APPLY_VERSION;
}

}  // namespace sriov::cmd
