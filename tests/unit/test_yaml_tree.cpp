// The positioned YAML tree (schema/yaml_tree.h) as readYaml builds it: nodes read as yaml-cpp
// read them, positions in characters, and the same tree whichever parser's events built it.
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "schema/text_position.h"
#include "schema/yaml_budget.h"
#include "schema/yaml_tags.h"
#include "schema/yaml_tree.h"

using sriov::schema::Position;
using sriov::schema::readYaml;
using sriov::schema::TextColumns;
using sriov::schema::YamlLimits;
using sriov::schema::YamlNode;
using sriov::schema::YamlRead;

namespace {

// NEL, which libyaml counts as a line break and yaml-cpp does not: text with one is read from
// yaml-cpp's events (yaml_budget.cpp).
const std::string kNel = "\xc2\x85";

YamlRead read(const std::string& text, YamlLimits limits = {}) {
  static std::string kept;  // the tree's positions need no text, the columns do while reading
  kept = text;
  TextColumns columns(kept);
  return readYaml(kept, limits, columns);
}

bool at(const YamlNode& node, int line, int col) {
  Position p = node.position();
  INFO("at " << p.line << ":" << p.col);
  return p.line == line && p.col == col;
}

}  // namespace

TEST_CASE("readYaml: null, scalars and their tags read as yaml-cpp read them") {
  YamlRead r = read("a:\nb: ~\nc: null\nd: \"\"\ne: !!str null\nf: 'null'\ng: x\nh: |\n  t\n");
  REQUIRE_FALSE(r.scan.error);
  const YamlNode root = r.tree.root();
  REQUIRE(root.isMap());
  CHECK(root.size() == 8);
  CHECK(root["a"].isNull());
  CHECK(root["b"].isNull());
  CHECK(root["c"].isNull());
  CHECK(root["d"].isScalar());
  CHECK(root["d"].tag() == "!");  // quoted: a string whatever it says
  CHECK(root["e"].isScalar());
  CHECK(root["e"].scalar() == "null");
  CHECK(root["e"].tag() == sriov::schema::kStrTag);
  CHECK(root["f"].tag() == "!");
  CHECK(root["g"].tag() == "?");
  CHECK(root["h"].scalar() == "t\n");
  CHECK(root["h"].tag() == "!");
  CHECK(root.tag() == "?");
  CHECK(root["g"].scalar() == "x");
  CHECK(root["a"].scalar().empty());
}

TEST_CASE(
    "readYaml: anyTag says whether some node has a tag of its own, whichever reader read it") {
  // The spec loader checks tags only when anyTag() is true: it must never miss one.
  for (const char* text : {"a: 1\nb: \"q\"\nc: 'q'\nd: |\n  t\ne: [x, {f: g}]\n",
                           "a: 1  # a comment sends the text to libyaml\nb: \"q\"\n"}) {
    YamlRead r = read(text);
    REQUIRE_FALSE(r.scan.error);
    CHECK_FALSE(r.tree.anyTag());
  }
  for (const char* text : {"a: !!str 1\n", "a: !custom x\n", "a: [!!int 1]\n", "!!map {a: 1}\n",
                           "a: !!str 1  # libyaml\n", "- !<tag:yaml.org,2002:str> x\n"}) {
    YamlRead r = read(text);
    REQUIRE_FALSE(r.scan.error);
    INFO(text);
    CHECK(r.tree.anyTag());
  }
}

TEST_CASE("readYaml: a missing key or item is undefined, positioned at its map or sequence") {
  YamlRead r = read("x: 1\npfs:\n  - name: a\n");
  const YamlNode pf = r.tree.root()["pfs"][0];
  REQUIRE(pf.isMap());
  CHECK(at(pf, 3, 5));
  CHECK_FALSE(pf["pci"]);
  CHECK(at(pf["pci"], 3, 5));
  CHECK_FALSE(r.tree.root()["pfs"][1]);
  CHECK(at(r.tree.root()["pfs"][1], 3, 3));
  CHECK(pf["pci"]["deeper"].position().line == 3);
  CHECK(r.tree.root()["x"].size() == 0);
  CHECK(r.tree.root()["x"].items().empty());
}

TEST_CASE("readYaml: an alias is its anchor's node; a duplicate key is kept, the first found") {
  YamlRead r = read("a: &x {k: 1}\nb: *x\nc: 1\nc: 2\nd: &y [*y]\n");
  REQUIRE_FALSE(r.scan.error);
  const YamlNode root = r.tree.root();
  CHECK(root["a"].id() == root["b"].id());
  CHECK(root["b"]["k"].scalar() == "1");
  CHECK(at(root["b"], 1, 4));  // the anchor's node, where it is written (its anchor)
  CHECK(root["c"].scalar() == "1");
  CHECK(root.entries().size() == 5);
  CHECK(root.entries()[3].value.scalar() == "2");
  // An alias inside its own anchor's collection is that collection, as yaml-cpp made it.
  CHECK(root["d"][0].id() == root["d"].id());
}

TEST_CASE("readYaml: columns count characters, whichever parser read the text") {
  for (const std::string& first : {std::string("a: \"é\""), "a: \"" + kNel + "\""}) {
    YamlRead r = read(first + "\nb: {é: 1, c: 2}\n");
    REQUIRE_FALSE(r.scan.error);
    const YamlNode b = r.tree.root()["b"];
    CHECK(at(b, 2, 4));
    CHECK(at(b["c"], 2, 14));
    CHECK(at(b.entries()[1].key, 2, 11));
    CHECK(b["é"].scalar() == "1");
  }
  // The NEL in a double-quoted scalar is the character either way.
  CHECK(read("a: \"" + kNel + "\"\n").tree.root()["a"].scalar() == kNel);
}

TEST_CASE("readYaml: the same tree from libyaml's events and from yaml-cpp's") {
  const std::string body =
      "pfs:\n  - name: enp3s0f0\n    numVfs: !!int 4\n    vfs: [0, '1', \"2\"]\n"
      "guests:\n  - &g {name: web, hostdevs: [{pci: 0000:03:00.1}]}\n  - *g\n  - ? [k]\n"
      "    : v\nempty:\nlist:\n- x\n";
  YamlRead quick = read(body);
  YamlRead slow = read(body + "nel: \"" + kNel + "\"\n");
  REQUIRE_FALSE(quick.scan.error);
  REQUIRE_FALSE(slow.scan.error);
  // Walks both trees side by side: kinds, texts, tags, positions, aliases.
  std::function<void(const YamlNode&, const YamlNode&)> same = [&](const YamlNode& a,
                                                                   const YamlNode& b) {
    INFO("at " << a.position().line << ":" << a.position().col);
    CHECK(a.isMap() == b.isMap());
    CHECK(a.isSequence() == b.isSequence());
    CHECK(a.isNull() == b.isNull());
    CHECK(a.scalar() == b.scalar());
    CHECK(a.tag() == b.tag());
    // An empty value: libyaml puts it after its ':', yaml-cpp at the next token (messages
    // about one name its key: shape.cpp).
    if (!a.isNull()) {
      CHECK(a.position().line == b.position().line);
      CHECK(a.position().col == b.position().col);
    }
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.items().size(); ++i) same(a.items()[i], b.items()[i]);
    for (size_t i = 0; i < a.entries().size(); ++i) {
      same(a.entries()[i].key, b.entries()[i].key);
      same(a.entries()[i].value, b.entries()[i].value);
    }
  };
  const YamlNode q = quick.tree.root();
  const YamlNode s = slow.tree.root();
  CHECK(s.size() == q.size() + 1);
  for (const char* key : {"pfs", "guests", "empty", "list"}) same(q[key], s[key]);
  CHECK(q["guests"][0].id() == q["guests"][1].id());
  CHECK(s["guests"][0].id() == s["guests"][1].id());
  CHECK(q["guests"][2].entries()[0].key.isSequence());
}

TEST_CASE("readYaml: no tree for text that is not one document within the limits") {
  YamlRead empty = read("# nothing\n");
  CHECK_FALSE(empty.scan.error);
  CHECK(empty.scan.documents == 0);
  CHECK(empty.tree.root().isNull());
  CHECK_FALSE(empty.tree.root().defined());

  YamlRead two = read("a: 1\n---\nb: 2\n");
  CHECK(two.scan.documents == 2);
  CHECK(two.scan.secondDocumentLine == 3);

  YamlRead broken = read("a: [1,\n");
  REQUIRE(broken.scan.error);
  CHECK(broken.scan.syntax);

  YamlRead undefinedAlias = read("a: *nowhere\n");
  REQUIRE(undefinedAlias.scan.error);  // yaml-cpp's message: libyaml's parser does not check

  YamlLimits shallow;
  shallow.maxDepth = 3;
  YamlRead deep = read("a: [[[[1]]]]\n", shallow);
  REQUIRE(deep.scan.error);
  CHECK(deep.scan.error->find("nested more than 3 levels") != std::string::npos);

  YamlLimits few;
  few.maxNodes = 9;
  YamlRead bomb = read("a: &a [1, 2, 3]\nb: [*a, *a, *a]\n", few);
  REQUIRE(bomb.scan.error);
  CHECK(bomb.scan.error->find("more than 9 nodes") != std::string::npos);
}

TEST_CASE("YamlTree::takeScalar moves a scalar out, and copies one an alias also names") {
  YamlRead r = read("a: long text\nb: &x shared\nc: *x\nd: [1]\n");
  const YamlNode root = r.tree.root();
  CHECK(r.tree.takeScalar(root["a"]) == "long text");
  CHECK(root["a"].scalar().empty());
  CHECK(r.tree.takeScalar(root["b"]) == "shared");
  CHECK(root["c"].scalar() == "shared");
  CHECK(r.tree.takeScalar(root["d"]).empty());
  CHECK(r.tree.takeScalar(root["missing"]).empty());
  YamlRead other = read("a: x\n");
  CHECK(r.tree.takeScalar(other.tree.root()["a"]).empty());  // not this tree's node
  CHECK(other.tree.root()["a"].scalar() == "x");
}
