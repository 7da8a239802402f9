// Checks a YAML tree against the key table: unknown and duplicate keys, missing keys, types,
// ranges, enumerations and string formats. Also the scalar readers the loader builds the Spec
// with, so a value is judged valid by exactly one piece of code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "schema/diagnostic.h"
#include "schema/keys.h"
#include "schema/yaml_tree.h"

namespace sriov::schema {

// 1-based position of a node, columns in characters; {0, 0} when the node has none.
Position positionOf(const YamlNode& node);

// Reports every problem of node (expected to be an object of kind def) into diagnostics,
// descending into nested objects and arrays.
void checkShape(const YamlNode& node, const ObjectDef& def, Diagnostics& diagnostics);

// Scalar readers: the value when node is a valid value of that kind, else nullopt.
std::optional<std::string> readString(const YamlNode& node);
std::optional<int64_t> readInteger(const YamlNode& node);  // plain (unquoted) decimal
std::optional<bool> readBoolean(const YamlNode& node);     // true / false (YAML 1.2 core)
// The same, of a scalar's text as if written plain.
std::optional<int64_t> readIntegerText(const std::string& text);
std::optional<bool> readBooleanText(const std::string& text);
// A VF index (an integer) or a range "first-last" with first <= last.
std::optional<std::pair<unsigned, unsigned>> readVfIndex(const YamlNode& node);

}  // namespace sriov::schema
