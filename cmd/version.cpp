// The version text: the project version from CMake (SRIOV_APPLY_VERSION), the git revision and the
// build type (from the generated build_info.h, see cmake/git_revision.cmake).
#include "cmd/version.h"

#include "build_info.h"

namespace sriov::cmd {

std::string versionText() {
  std::string buildType = SRIOV_APPLY_BUILD_TYPE;
  if (buildType.empty()) buildType = "none";
  return std::string("sriov-apply ") + SRIOV_APPLY_VERSION +
         "\nrevision: " + SRIOV_APPLY_GIT_REVISION + "\nbuild type: " + buildType;
}

}  // namespace sriov::cmd
