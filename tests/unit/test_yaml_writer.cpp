// Tests for the deterministic YAML writer: quoting, literal blocks, layout, and that yaml-cpp
// reads back exactly what was written.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <string>

#include "reconcile/yaml_writer.h"

using nlohmann::ordered_json;
using sriov::reconcile::toYaml;
using sriov::reconcile::yamlScalar;

TEST_CASE("yamlScalar quotes only what would not read back as the same string") {
  CHECK(yamlScalar("enp3s0f0") == "enp3s0f0");
  CHECK(yamlScalar("vfio-pci") == "vfio-pci");
  CHECK(yamlScalar("sriov-apply/v1") == "sriov-apply/v1");
  CHECK(yamlScalar("0000:03:00.0") == "\"0000:03:00.0\"");
  CHECK(yamlScalar("0x8086") == "\"0x8086\"");
  CHECK(yamlScalar("7") == "\"7\"");
  CHECK(yamlScalar("") == "\"\"");
  CHECK(yamlScalar("true") == "\"true\"");
  CHECK(yamlScalar("No") == "\"No\"");
  CHECK(yamlScalar("null") == "\"null\"");
  CHECK(yamlScalar("guest vm") == "\"guest vm\"");
  CHECK(yamlScalar("a: b") == "\"a: b\"");
  CHECK(yamlScalar("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"");
  CHECK(yamlScalar(std::string("bell\x07", 5)) == "\"bell\\x07\"");
}

TEST_CASE("toYaml lays out maps and lists in block style, in key order") {
  ordered_json doc;
  doc["zeta"] = "z";
  doc["alpha"] = 1;
  doc["flag"] = false;
  doc["empty"] = ordered_json::array();
  doc["items"] = ordered_json::array(
      {ordered_json{{"name", "a"}, {"list", {1, 2}}}, ordered_json{{"name", "b"}}, "plain"});
  doc["map"] = ordered_json{{"k", "v"}, {"#", {"a comment", "another"}}, {"x", nullptr}};
  CHECK(toYaml(doc) ==
        "zeta: z\n"
        "alpha: 1\n"
        "flag: false\n"
        "empty: []\n"
        "items:\n"
        "  - name: a\n"
        "    list:\n"
        "      - 1\n"
        "      - 2\n"
        "  - name: b\n"
        "  - plain\n"
        "map:\n"
        "  k: v\n"
        "  # a comment\n"
        "  # another\n"
        "  x: null\n");
}

TEST_CASE("toYaml writes a comment first in a list item on the dash's line") {
  ordered_json doc;
  doc["items"] = ordered_json::array({ordered_json{{"#", "skipped"}, {"name", "a"}}});
  CHECK(toYaml(doc) ==
        "items:\n"
        "  - # skipped\n"
        "    name: a\n");
  YAML::Node back = YAML::Load(toYaml(doc));
  CHECK(back["items"][0]["name"].as<std::string>() == "a");
}

TEST_CASE("toYaml writes multi-line strings as literal blocks that read back exactly") {
  struct Case {
    std::string text;
    std::string yaml;
  };
  const Case cases[] = {
      {"<a>\n  <b/>\n</a>\n", "xml: |\n  <a>\n    <b/>\n  </a>\n"},
      {"<a>\n</a>", "xml: |-\n  <a>\n  </a>\n"},
      {"<a>\n\n</a>\n\n\n", "xml: |+\n  <a>\n\n  </a>\n\n\n"},
      {"one\n\ttab\n", "xml: |\n  one\n  \ttab\n"},
      // Not safe as a literal block: leading space, carriage return.
      {" lead\nx\n", "xml: \" lead\\nx\\n\"\n"},
      {"a\r\nb\n", "xml: \"a\\r\\nb\\n\"\n"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    ordered_json doc;
    doc["xml"] = c.text;
    std::string yaml = toYaml(doc);
    CHECK(yaml == c.yaml);
    CHECK(YAML::Load(yaml)["xml"].as<std::string>() == c.text);
  }
}

TEST_CASE("toYaml indents literal blocks under list items") {
  ordered_json doc;
  doc["domains"] = ordered_json::array({ordered_json{{"name", "web1"}, {"xml", "<d>\n</d>\n"}}});
  std::string yaml = toYaml(doc);
  CHECK(yaml ==
        "domains:\n"
        "  - name: web1\n"
        "    xml: |\n"
        "      <d>\n"
        "      </d>\n");
  CHECK(YAML::Load(yaml)["domains"][0]["xml"].as<std::string>() == "<d>\n</d>\n");
}
