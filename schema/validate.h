// The rules that need the whole spec: duplicates, references between PFs, networks and guests,
// one user per VF, and the warnings about limits.
#pragma once

#include "schema/diagnostic.h"
#include "schema/spec.h"

namespace sriov::schema {

// The most devices a guest should be given (the limit the RHEL guides cite).
inline constexpr size_t kMaxAssignedDevices = 8;
// Above this many VFs per PF, warn: few devices support it.
inline constexpr unsigned kManyVfs = 256;

void validateReferences(const Spec& spec, Diagnostics& diagnostics);

}  // namespace sriov::schema
