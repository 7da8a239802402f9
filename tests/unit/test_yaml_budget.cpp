// The YAML limits as readYaml checks them: libyaml's pass and yaml-cpp's reporting pass find the
// same documents, limits and syntax errors.
#include <doctest/doctest.h>

#include <string>

#include "schema/text_position.h"
#include "schema/yaml_budget.h"

using sriov::schema::TextColumns;
using sriov::schema::YamlLimits;
using sriov::schema::YamlScan;

namespace {

YamlScan scanYaml(const std::string& text, const YamlLimits& limits) {
  TextColumns columns(text);
  return sriov::schema::readYaml(text, limits, columns).scan;
}

YamlScan scanWithNodes(const std::string& text, size_t maxNodes) {
  YamlLimits limits;
  limits.maxNodes = maxNodes;
  return scanYaml(text, limits);
}

}  // namespace

TEST_CASE("readYaml counts the documents libyaml and yaml-cpp agree on") {
  CHECK(scanYaml("", {}).documents == 0);
  CHECK(scanYaml("# only a comment\n", {}).documents == 0);
  CHECK(scanYaml("---\n", {}).documents == 1);
  CHECK(scanYaml("a: 1\n", {}).documents == 1);
  CHECK(scanYaml("%YAML 1.2\n---\na: 1\n", {}).documents == 1);
  const YamlScan two = scanYaml("a: 1\n---\nb: 2\n", {});
  CHECK(two.documents == 2);
  CHECK(two.secondDocumentLine == 3);
  CHECK(two.secondDocumentColumn == 1);
}

TEST_CASE("readYaml's quick pass counts an alias as its anchor's whole size") {
  // map, a, [, 1, 2, b, and *x as the three nodes of [1, 2]: 9 nodes.
  const std::string text = "a: &x [1, 2]\nb: *x\n";
  const YamlScan within = scanWithNodes(text, 9);
  CHECK_FALSE(within.error);
  CHECK(within.documents == 1);
  const YamlScan over = scanWithNodes(text, 8);
  REQUIRE(over.error);
  CHECK(over.error->find("more than 8 nodes") != std::string::npos);
  CHECK(over.line == 2);  // yaml-cpp's mark: the alias
  CHECK(over.column == 4);
}

TEST_CASE("readYaml reports what libyaml refuses with yaml-cpp's message and position") {
  const YamlScan tab = scanYaml("a:\n\t- 1\n", {});
  REQUIRE(tab.error);
  CHECK(tab.syntax);
  CHECK(*tab.error == "illegal block entry");
  CHECK(tab.line == 2);
  const YamlScan open = scanYaml("a: [1,\n", {});
  REQUIRE(open.error);
  CHECK(*open.error == "end of sequence flow not found");
}
