// Tests that the committed examples are what the code prints, and load back unchanged.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "reconcile/state_file.h"
#include "tests/unit/lab_state.h"
#include "tests/unit/test_helpers.h"

// SRIOV_UPDATE_GOLDEN=1 sriov-tests rewrites the file from the fixture instead of comparing.
TEST_CASE("examples/lab.state.yaml is labState() as toStateYaml prints it") {
  const std::string path = std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml";
  const std::string printed = sriov::reconcile::toStateYaml(sriov::testing::labState());
  if (sriov::test::updateGolden()) sriov::test::writeText(path, printed);
  const std::string committed = sriov::test::readText(path);
  CHECK(committed == printed);

  auto loaded = sriov::reconcile::loadStateFile(path);
  REQUIRE_MESSAGE(loaded.ok(), loaded.error().message);
  CHECK(*loaded == sriov::testing::labState());
  CHECK(sriov::reconcile::toStateYaml(*loaded) == committed);
}
