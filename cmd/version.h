// The version text of `sriov-apply --version` and `sriov-apply version`, in one place.
#pragma once

#include <string>

namespace sriov::cmd {

// "sriov-apply VERSION" plus, where the build knows them, the git revision and the build type.
std::string versionText();

}  // namespace sriov::cmd
