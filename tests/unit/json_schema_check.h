// A small JSON Schema checker for the subset our schemas use (type, enum, required, properties,
// additionalProperties: false, items, minimum, anyOf, $ref to #/$defs): enough to prove that what
// the tool prints is what its committed schema promises.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sriov::test {

// Every place where doc breaks schema, as "path: problem"; empty when it conforms.
std::vector<std::string> schemaViolations(const nlohmann::json& schema, const nlohmann::json& doc);

// Each kind of document the tool prints and the file of schema/ that describes it.
struct DocumentSchema {
  const char* kind;
  const char* file;
};
const std::vector<DocumentSchema>& documentSchemas();

// The one checker of the tool's JSON output: doc against the schema its "kind" names (a document
// without a kind, or of a kind with no schema, is a violation itself).
std::vector<std::string> kindViolations(const nlohmann::json& doc);

}  // namespace sriov::test
