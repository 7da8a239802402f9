// Tests that the committed examples are what the code prints, and load back unchanged.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "reconcile/state_file.h"
#include "tests/unit/lab_state.h"

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

// SRIOV_UPDATE_EXAMPLES=1 sriov-tests rewrites the file from the fixture instead of comparing.
TEST_CASE("examples/lab.state.yaml is labState() as toStateYaml prints it") {
  const std::string path = std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml";
  const std::string printed = sriov::reconcile::toStateYaml(sriov::testing::labState());
  if (const char* update = std::getenv("SRIOV_UPDATE_EXAMPLES"); update && *update == '1') {
    std::ofstream(path, std::ios::binary) << printed;
  }
  const std::string committed = readFile(path);
  CHECK(committed == printed);

  auto loaded = sriov::reconcile::loadStateFile(path);
  REQUIRE_MESSAGE(loaded.ok(), loaded.error().message);
  CHECK(*loaded == sriov::testing::labState());
  CHECK(sriov::reconcile::toStateYaml(*loaded) == committed);
}
