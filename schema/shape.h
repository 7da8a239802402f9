// Checks a YAML tree against the key table: unknown and duplicate keys, missing keys, types,
// ranges, enumerations and string formats. Also the scalar readers the loader builds the Spec
// with, so a value is judged valid by exactly one piece of code.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "schema/diagnostic.h"
#include "schema/keys.h"

namespace sriov::schema {

// 1-based position of a node (yaml-cpp marks are 0-based); {0, 0} when the node has none.
Position positionOf(const YAML::Node& node);

// Reports every problem of node (expected to be an object of kind def) into diagnostics,
// descending into nested objects and arrays.
void checkShape(const YAML::Node& node, const ObjectDef& def, Diagnostics& diagnostics);

// Scalar readers: the value when node is a valid value of that kind, else nullopt.
std::optional<std::string> readString(const YAML::Node& node);
std::optional<int64_t> readInteger(const YAML::Node& node);  // plain (unquoted) decimal
std::optional<bool> readBoolean(const YAML::Node& node);     // true / false (YAML 1.2 core)
// A VF index (an integer) or a range "first-last" with first <= last.
std::optional<std::pair<unsigned, unsigned>> readVfIndex(const YAML::Node& node);

}  // namespace sriov::schema
