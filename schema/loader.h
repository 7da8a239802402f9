// Loading host.yaml: YAML parsing, the key table's checks, building the Spec with defaults, and
// the cross-reference rules. Every problem is collected; nothing stops at the first.
#pragma once

#include <string>

#include "reconcile/result.h"
#include "schema/diagnostic.h"
#include "schema/spec.h"

namespace sriov::schema {

struct LoadResult {
  Spec spec;                // complete only when diagnostics has no errors
  Diagnostics diagnostics;  // errors and warnings, for the file named in spec.file
};

// Loads a spec from text; fileName is used in diagnostics only.
LoadResult loadSpec(const std::string& text, const std::string& fileName);
// Reads path and loads it; an unreadable file is an error diagnostic without a position. text,
// when given, receives the bytes read (a saved plan records them).
LoadResult loadSpecFile(const std::string& path, std::string* text = nullptr);
// The result for a spec file that could not be read: one error diagnostic without a position.
LoadResult unreadableSpec(const std::string& path, const Error& error);

}  // namespace sriov::schema
