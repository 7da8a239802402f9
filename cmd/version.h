// The version text of `sriov-apply --version` and `sriov-apply version`, in one place.
#pragma once

#include <string>

namespace sriov::cmd {

// "sriov-apply VERSION" plus, where the build knows them, the git revision and the build type.
std::string versionText();

// The same as one JSON document (`sriov-apply version --output json`, schema/version.schema.json):
// {"apiVersion": "sriov-apply/v1", "kind": "Version", "version", "revision", "buildType",
//  "specApiVersion", "savedPlanFormat"}: what automation checks before it relies on a feature.
std::string versionJson();

}  // namespace sriov::cmd
