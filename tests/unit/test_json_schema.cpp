// The committed JSON Schema is exactly what the key table generates, and covers every key.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "schema/json_schema.h"
#include "schema/keys.h"
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
