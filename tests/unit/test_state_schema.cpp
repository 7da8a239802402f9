// The state file's key table: the committed schema/state.schema.json is what it generates, every
// state file the tool writes conforms to it, and its objects are consistent.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "reconcile/state_file.h"
#include "reconcile/state_keys.h"
#include "tests/unit/json_schema_check.h"
#include "tests/unit/test_helpers.h"

namespace fs = std::filesystem;
namespace rc = sriov::reconcile;

TEST_CASE("the committed state schema matches the state key table") {
  std::string path = std::string(SRIOV_SOURCE_DIR) + "/schema/state.schema.json";
  if (sriov::test::updateGolden()) sriov::test::writeText(path, rc::stateJsonSchemaText());
  CHECK(sriov::test::readText(path) == rc::stateJsonSchemaText());
}

TEST_CASE("every state file of the tree, read and written as JSON, conforms to the state schema") {
  nlohmann::json schema = nlohmann::json::parse(rc::stateJsonSchemaText());
  std::vector<fs::path> files;
  for (const char* dir : {"examples", "tests/golden"})
    for (const auto& e : fs::recursive_directory_iterator(fs::path(SRIOV_SOURCE_DIR) / dir))
      if (e.path().string().ends_with(".state.yaml")) files.push_back(e.path());
  REQUIRE(files.size() >= 2);
  for (const fs::path& f : files) {
    CAPTURE(f.string());
    auto state = rc::loadStateFile(f.string());
    REQUIRE(state.ok());
    nlohmann::json doc = nlohmann::json::parse(rc::toStateJson(*state).dump());
    CHECK(sriov::test::schemaViolations(schema, doc).empty());
  }
  // And the checker can fail: a key the table does not have.
  auto lab = rc::loadStateFile(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml");
  REQUIRE(lab.ok());
  nlohmann::json doc = nlohmann::json::parse(rc::toStateJson(*lab).dump());
  doc["pfs"][0]["bogus"] = 1;
  CHECK_FALSE(sriov::test::schemaViolations(schema, doc).empty());
}

TEST_CASE("state key table: nouns, unique keys, bounds") {
  for (const sriov::schema::ObjectDef* def : rc::stateObjects()) {
    CAPTURE(std::string(def->id));
    CHECK(!def->noun.empty());
    for (size_t i = 0; i < def->keys.size(); ++i) {
      const sriov::schema::KeyDef& k = def->keys[i];
      CHECK(!k.description.empty());
      for (size_t j = i + 1; j < def->keys.size(); ++j) CHECK(k.name != def->keys[j].name);
      if (k.kind == sriov::schema::ValueKind::integer) CHECK(k.min < k.max);
    }
  }
}
