// A small JSON Schema checker for the subset our schemas use (type, enum, required, properties,
// additionalProperties: false, items, minimum, $ref to #/$defs): enough to prove that what the
// tool prints is what its committed schema promises.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sriov::test {

// Every place where doc breaks schema, as "path: problem"; empty when it conforms.
std::vector<std::string> schemaViolations(const nlohmann::json& schema, const nlohmann::json& doc);

}  // namespace sriov::test
