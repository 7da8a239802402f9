// The JSON Schema subset checker used by the schema conformance tests.
#include "tests/unit/json_schema_check.h"

#include "tests/unit/test_helpers.h"

namespace sriov::test {
namespace {

using Json = nlohmann::json;

bool hasType(const Json& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  if (type == "null") return v.is_null();
  return false;
}

void check(const Json& root, const Json& schema, const Json& v, const std::string& path,
           std::vector<std::string>& out) {
  if (schema.contains("$ref")) {
    std::string ref = schema["$ref"];
    check(root, root["$defs"][ref.substr(ref.rfind('/') + 1)], v, path, out);
    return;
  }
  if (schema.contains("anyOf")) {
    bool matched = false;
    for (const Json& branch : schema["anyOf"]) {
      std::vector<std::string> problems;
      check(root, branch, v, path, problems);
      matched = matched || problems.empty();
    }
    if (!matched) out.push_back(path + ": matches none of anyOf");
  }
  if (schema.contains("type")) {
    bool ok = false;
    if (schema["type"].is_array()) {
      for (const Json& t : schema["type"]) ok = ok || hasType(v, t);
    } else {
      ok = hasType(v, schema["type"]);
    }
    if (!ok) {
      out.push_back(path + ": wrong type " + std::string(v.type_name()));
      return;
    }
  }
  if (schema.contains("enum") &&
      std::find(schema["enum"].begin(), schema["enum"].end(), v) == schema["enum"].end())
    out.push_back(path + ": " + v.dump() + " is not in the enum");
  if (schema.contains("minimum") && v.is_number() && v < schema["minimum"])
    out.push_back(path + ": below the minimum");
  if (v.is_object()) {
    for (const Json& r : schema.value("required", Json::array()))
      if (!v.contains(r)) out.push_back(path + ": missing " + r.get<std::string>());
    const Json props = schema.value("properties", Json::object());
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (props.contains(it.key())) {
        check(root, props[it.key()], it.value(), path + "." + it.key(), out);
      } else if (schema.value("additionalProperties", true) == false) {
        out.push_back(path + ": unexpected key " + it.key());
      }
    }
  }
  if (v.is_array() && schema.contains("items"))
    for (size_t i = 0; i < v.size(); ++i)
      check(root, schema["items"], v[i], path + "[" + std::to_string(i) + "]", out);
}

}  // namespace

std::vector<std::string> schemaViolations(const Json& schema, const Json& doc) {
  std::vector<std::string> out;
  check(schema, schema, doc, "$", out);
  return out;
}

const std::vector<DocumentSchema>& documentSchemas() {
  static const std::vector<DocumentSchema> table = {
      {"Plan", "plan.schema.json"},
      {"ApplyResult", "apply-result.schema.json"},
      {"ValidationResult", "validate-result.schema.json"},
      {"HostState", "state.schema.json"},
      {"SavedPlan", "saved-plan.schema.json"},
      {"Error", "error.schema.json"},
      {"DoctorReport", "doctor.schema.json"},
      {"Version", "version.schema.json"},
  };
  return table;
}

std::vector<std::string> kindViolations(const nlohmann::json& doc) {
  if (!doc.is_object() || !doc.contains("kind") || !doc["kind"].is_string())
    return {"/: a document of the tool's output has no kind"};
  const std::string kind = doc["kind"];
  for (const DocumentSchema& s : documentSchemas()) {
    if (kind != s.kind) continue;
    Json schema = Json::parse(readText(std::string(SRIOV_SOURCE_DIR) + "/schema/" + s.file));
    return schemaViolations(schema, doc);
  }
  return {"/kind: no schema for kind " + kind + " (add it to schema/ and documentSchemas())"};
}

}  // namespace sriov::test
