// YAML tags in a spec: the core schema's tags are honoured (`!!str 2` is the string "2", so not a
// number; `!!int 2` is the integer 2), anything else (`!foo`, `!!float`, `!!binary`, a tag that
// does not fit its node) is refused at its position.
#pragma once

#include "schema/diagnostic.h"
#include "schema/yaml_tree.h"

namespace sriov::schema {

// The tag `!!str` resolves to (also what makes a scalar a string, as quotes do).
inline constexpr const char* kStrTag = "tag:yaml.org,2002:str";

// Reports every tag of root and below (keys included) that a spec cannot have.
void checkTags(const YamlNode& root, Diagnostics& diagnostics);

}  // namespace sriov::schema
