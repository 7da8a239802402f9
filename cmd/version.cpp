// The version text: the project version from CMake (SRIOV_APPLY_VERSION), the git revision and the
// build type (from the generated build_info.h, see cmake/git_revision.cmake).
#include "cmd/version.h"

#include <nlohmann/json.hpp>

#include "build_info.h"
#include "cmd/saved_plan.h"

namespace sriov::cmd {

namespace {

std::string buildType() {
  std::string type = SRIOV_APPLY_BUILD_TYPE;
  return type.empty() ? "none" : type;
}

}  // namespace

std::string versionText() {
  return std::string("sriov-apply ") + SRIOV_APPLY_VERSION +
         "\nrevision: " + SRIOV_APPLY_GIT_REVISION + "\nbuild type: " + buildType();
}

std::string versionJson() {
  nlohmann::ordered_json doc = {
      {"apiVersion", "sriov-apply/v1"},
      {"kind", "Version"},
      {"version", SRIOV_APPLY_VERSION},
      {"revision", SRIOV_APPLY_GIT_REVISION},
      {"buildType", buildType()},
      {"specApiVersion", "sriov-apply/v1"},
      {"savedPlanFormat", kSavedPlanFormat},
  };
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace sriov::cmd
