// The committed JSON Schema is exactly what the key table generates, and covers every key; every
// kind of document the tool prints has a schema of its own.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "schema/json_schema.h"
#include "schema/keys.h"
#include "tests/unit/json_schema_check.h"
#include "tests/unit/test_helpers.h"

namespace schema = sriov::schema;

TEST_CASE("the committed schema matches the key table (run the update-schema target)") {
  std::string path = std::string(SRIOV_SOURCE_DIR) + "/schema/sriov-apply.schema.json";
  if (sriov::test::updateGolden()) sriov::test::writeText(path, schema::jsonSchemaText());
  CHECK(sriov::test::readText(path) == schema::jsonSchemaText());
}

TEST_CASE("the schema describes every key of every object, and nothing else") {
  nlohmann::json doc = nlohmann::json::parse(schema::jsonSchemaText());
  CHECK(doc["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  for (const schema::ObjectDef* def : schema::allObjects()) {
    CAPTURE(std::string(def->id));
    const nlohmann::json& obj =
        def == &schema::specRoot() ? doc : doc["$defs"][std::string(def->id)];
    CHECK(obj["additionalProperties"] == false);
    CHECK(obj["properties"].size() == def->keys.size());
    for (const schema::KeyDef& k : def->keys) {
      CAPTURE(std::string(k.name));
      CHECK(obj["properties"].contains(std::string(k.name)));
      CHECK(!obj["properties"][std::string(k.name)]["description"].get<std::string>().empty());
    }
  }
  CHECK(doc["required"] == nlohmann::json::array({"apiVersion"}));
  CHECK(doc["$defs"]["network"]["oneOf"] ==
        nlohmann::json::parse(R"([{"required":["pf"],"properties":{"pf":true}},
                                    {"required":["vfs"],"properties":{"vfs":true}}])"));
  CHECK(doc["$defs"]["pf"]["properties"]["numVfs"]["maximum"] == 65535);
  CHECK(doc["$defs"]["pf"]["properties"]["persist"]["default"] == true);
}

TEST_CASE("key table consistency: every object has a noun and unique keys") {
  for (const schema::ObjectDef* def : schema::allObjects()) {
    CAPTURE(std::string(def->id));
    CHECK(!def->noun.empty());
    for (size_t i = 0; i < def->keys.size(); ++i) {
      const schema::KeyDef& k = def->keys[i];
      for (size_t j = i + 1; j < def->keys.size(); ++j) CHECK(k.name != def->keys[j].name);
      if (k.kind == schema::ValueKind::object) CHECK(k.object != nullptr);
      if (k.kind == schema::ValueKind::enumeration) CHECK(!k.values.empty());
      if (k.kind == schema::ValueKind::integer) CHECK(k.min < k.max);
    }
    for (const schema::ChoiceDef& c : def->choices)
      for (std::string_view key : c.keys) CHECK(def->find(key) != nullptr);
    if (!def->rulesJson.empty()) CHECK(nlohmann::json::parse(def->rulesJson).is_array());
  }
}

namespace {

namespace fs = std::filesystem;

// The kinds the sources print: {"kind", "Plan"} in a JSON literal, or a k...Kind = "..." constant.
std::set<std::string> printedKinds() {
  static const std::regex literal(R"re(\{"kind", "([A-Z][A-Za-z]+)"\})re");
  static const std::regex constant(R"re(k[A-Za-z]*Kind = "([A-Z][A-Za-z]+)")re");
  std::set<std::string> kinds;
  for (const char* dir : {"cmd", "reconcile"}) {
    for (const fs::directory_entry& e :
         fs::recursive_directory_iterator(fs::path(SRIOV_SOURCE_DIR) / dir)) {
      if (e.path().extension() != ".cpp" && e.path().extension() != ".h") continue;
      std::string text = sriov::test::readText(e.path().string());
      for (const std::regex* re : {&literal, &constant})
        for (std::sregex_iterator m(text.begin(), text.end(), *re), end; m != end; ++m)
          kinds.insert((*m)[1]);
    }
  }
  return kinds;
}

nlohmann::json schemaFile(const std::string& name) {
  return nlohmann::json::parse(
      sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/schema/" + name));
}

}  // namespace

TEST_CASE("every kind of document the tool prints has a schema that names that kind") {
  std::set<std::string> kinds = printedKinds();
  // The scan finds what it must (else it would pass on finding nothing).
  for (const char* k :
       {"Plan", "ApplyResult", "ValidationResult", "Error", "SavedPlan", "HostState"})
    CHECK(kinds.count(k) == 1);
  std::set<std::string> covered;
  for (const sriov::test::DocumentSchema& s : sriov::test::documentSchemas()) {
    covered.insert(s.kind);
    nlohmann::json schema = schemaFile(s.file);
    CHECK(schema["properties"]["kind"]["enum"] == nlohmann::json::array({s.kind}));
  }
  for (const std::string& kind : kinds) {
    INFO("kind " << kind << " is printed but has no schema in documentSchemas()");
    CHECK(covered.count(kind) == 1);
  }
  // ... and every output schema of schema/ is one of them (sriov-apply.schema.json is the spec's).
  for (const fs::directory_entry& e :
       fs::directory_iterator(fs::path(SRIOV_SOURCE_DIR) / "schema")) {
    std::string name = e.path().filename().string();
    if (name.size() < 12 || name.substr(name.size() - 12) != ".schema.json") continue;
    if (name == "sriov-apply.schema.json") continue;
    bool listed = false;
    for (const sriov::test::DocumentSchema& s : sriov::test::documentSchemas())
      listed = listed || name == s.file;
    INFO(name);
    CHECK(listed);
  }
  CHECK(sriov::test::kindViolations({{"kind", "Doctor"}}) ==
        std::vector<std::string>{
            "/kind: no schema for kind Doctor (add it to schema/ and documentSchemas())"});
}

TEST_CASE("an apply result's actions are the plan's actions with their outcome") {
  nlohmann::json plan = schemaFile("plan.schema.json");
  nlohmann::json result = schemaFile("apply-result.schema.json");
  nlohmann::json planned = plan["properties"]["actions"]["items"];
  CHECK(result["$defs"]["action"] == planned);
  CHECK(result["$defs"]["disruption"] == plan["$defs"]["disruption"]);
  CHECK(result["$defs"]["value"] == plan["$defs"]["value"]);
  CHECK(result["$defs"]["fields"] == plan["$defs"]["fields"]);
  nlohmann::json done = result["$defs"]["outcomeAction"];
  for (const char* extra : {"outcome", "durationMs", "error"}) done["properties"].erase(extra);
  done["required"].erase(done["required"].end() - 2, done["required"].end());
  done.erase("description");
  planned.erase("description");
  CHECK(done == planned);
  // The plan inside the result is the plan document's shape, its actions aside.
  nlohmann::json inner = result["properties"]["plan"]["properties"];
  nlohmann::json outer = plan["properties"];
  inner.erase("actions");
  outer.erase("actions");
  CHECK(inner == outer);
  CHECK(result["properties"]["plan"]["required"] == plan["required"]);
}

TEST_CASE("fromValue / toValue are held to their shapes") {
  nlohmann::json plan = nlohmann::json::parse(R"({"apiVersion": "sriov-apply/v1", "kind": "Plan",
    "changes": true, "refused": false, "highestDisruption": "none",
    "summary": {"actions": 1, "disruptive": 0}, "preflight": [],
    "actions": [{"id": 1, "kind": "set-vf", "target": "vf/enp3s0f0/0", "from": "vlan 0, qos 0",
      "to": "vlan 100, qos 0", "disruption": "none", "after": [], "reason": "r",
      "toValue": {"vlan": 100, "qos": 0}}]})");
  CHECK(sriov::test::kindViolations(plan) == std::vector<std::string>{});
  plan["actions"][0]["toValue"] = {{"vlan", 100}, {"colour", "red"}};
  CHECK(sriov::test::kindViolations(plan) ==
        std::vector<std::string>{"$.actions[0].toValue: matches none of anyOf"});
  plan["actions"][0]["toValue"] = "vlan 100";
  CHECK(!sriov::test::kindViolations(plan).empty());
  plan["actions"][0]["toValue"] = 4;
  CHECK(sriov::test::kindViolations(plan).empty());
}
