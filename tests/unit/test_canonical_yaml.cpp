// The canonical YAML reader (schema/canonical_yaml.h) against libyaml: every state file the
// writer produces is read by it, into libyaml's tree; every YAML file of this repository and
// thousands of edits of them either leave it (the general parsers take over) or read the same.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "reconcile/state_file.h"
#include "reconcile/yaml_writer.h"
#include "schema/canonical_yaml.h"
#include "schema/text_position.h"
#include "schema/yaml_budget.h"
#include "tests/fuzz/canonical_yaml_property.h"

namespace fs = std::filesystem;
using sriov::fuzz::checkCanonicalYaml;
using sriov::schema::readCanonicalYaml;
using sriov::schema::YamlLimits;
using sriov::schema::YamlTree;
using Json = nlohmann::ordered_json;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every .yaml file of the repository's examples/ and tests/ (not the build folders).
std::vector<fs::path> repositoryYaml() {
  std::vector<fs::path> files;
  for (const char* dir : {"examples", "tests"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(SRIOV_SOURCE_DIR) / dir)) {
      if (entry.path().string().find("node_modules") != std::string::npos) continue;
      if (entry.is_regular_file() && entry.path().extension() == ".yaml")
        files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool nonAscii(const std::string& text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  return false;
}

// Whether the document holds a key, a one-line string value or a string item of a list with a
// byte above ASCII: the writer quotes those (| blocks are for multi-line values of a key), and
// the layout leaves non-ASCII to libyaml outside a | block.
bool nonAsciiQuoted(const Json& document) {
  if (document.is_string()) {
    const std::string& text = document.get_ref<const std::string&>();
    return nonAscii(text) && text.find('\n') == std::string::npos;
  }
  if (document.is_array()) {
    for (const Json& item : document)
      if (item.is_string() ? nonAscii(item.get_ref<const std::string&>()) : nonAsciiQuoted(item))
        return true;
  }
  if (document.is_object()) {
    for (const auto& [key, value] : document.items())
      if (nonAscii(key) || nonAsciiQuoted(value)) return true;
  }
  return false;
}

bool canonical(const std::string& text) {
  YamlTree tree;
  return readCanonicalYaml(text, {}, tree);
}

void requireSame(const std::string& text) {
  auto check = checkCanonicalYaml(text);
  INFO("text:\n" << text);
  REQUIRE(check.canonical);
  CHECK_FALSE(check.broken);
  if (check.broken) MESSAGE(*check.broken);
}

void requireNoBreak(const std::string& text) {
  auto check = checkCanonicalYaml(text);
  INFO("text:\n" << text);
  CHECK_FALSE(check.broken);
  if (check.broken) MESSAGE(*check.broken);
}

// A random document of the kinds the writer meets: nested maps and lists, and strings that need
// quotes, escapes, literal blocks (with and without trailing line breaks), non-ASCII.
Json randomDocument(std::mt19937& rng, int depth) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  static const std::vector<std::string> kStrings = {"enp3s0f0",
                                                    "0000:03:10.0",
                                                    "02:00:00:00:0a:01",
                                                    "",
                                                    "yes",
                                                    "null",
                                                    "a b",
                                                    " lead",
                                                    "trail ",
                                                    "quote\"d",
                                                    "back\\slash",
                                                    "tab\there",
                                                    "line\nbreak",
                                                    "<domain>\n  <name>g</name>\n</domain>\n",
                                                    "x\n\n",
                                                    "x\n\n\n",
                                                    "two\nlines",
                                                    "\x01\x7f",
                                                    "caf\xc3\xa9\nna\xc3\xafve\n",
                                                    "# not a comment",
                                                    "- dash",
                                                    "key: value",
                                                    "[1]",
                                                    "{}",
                                                    "|",
                                                    ">",
                                                    "&a",
                                                    "*a",
                                                    "!tag",
                                                    "%",
                                                    "@",
                                                    "`",
                                                    "-1",
                                                    "0x10",
                                                    "1e3",
                                                    "\xe2\x80\xa8",
                                                    "  indented\nmore\n",
                                                    "end\n  \n",
                                                    "\t\n"};
  int kind = depth >= 4 ? pick(3) : pick(6);
  switch (kind) {
    case 0:
      return kStrings[static_cast<size_t>(pick(static_cast<int>(kStrings.size())))];
    case 1:
      return pick(2) ? Json(pick(100000) - 50000) : Json(pick(2) == 1);
    case 2:
      return pick(4) == 0 ? Json() : Json(pick(1000) / 7.0);
    case 3: {
      Json list = Json::array();
      for (int i = pick(4); i > 0; --i) list.push_back(randomDocument(rng, depth + 1));
      return list;
    }
    default: {
      Json map = Json::object();
      for (int i = pick(5); i > 0; --i) {
        std::string key =
            pick(5) == 0 ? kStrings[static_cast<size_t>(pick(static_cast<int>(kStrings.size())))]
                         : "key" + std::to_string(pick(20));
        if (!key.empty() && key[0] == '#') key[0] = '%';  // "#" keys are the writer's comments
        map[key] = randomDocument(rng, depth + 1);
      }
      return map;
    }
  }
}

}  // namespace

TEST_CASE("canonical YAML: the writer's output is read, into libyaml's tree") {
  std::mt19937 rng(20261204);
  size_t read = 0, documents = 0;
  for (int i = 0; i < 3000; ++i) {
    Json document = Json::object();
    document["apiVersion"] = "sriov-apply/v1";
    document["body"] = randomDocument(rng, 0);
    std::string text = sriov::reconcile::toYaml(document);
    ++documents;
    auto check = checkCanonicalYaml(text);
    INFO("text:\n" << text);
    CHECK_FALSE(check.broken);
    if (check.broken) MESSAGE(*check.broken);
    if (check.canonical) ++read;
    // The layout leaves out only non-ASCII in a quoted value or key.
    else
      CHECK(nonAsciiQuoted(document));
  }
  MESSAGE("canonical reader took " << read << " of " << documents << " written documents");
}

TEST_CASE("canonical YAML: every state file sriov-apply writes is read, as libyaml reads it") {
  size_t states = 0;
  for (const fs::path& file : repositoryYaml()) {
    std::string text = slurp(file);
    INFO(file.string());
    auto check = checkCanonicalYaml(text);
    CHECK_FALSE(check.broken);
    if (check.broken) MESSAGE(*check.broken);
    if (file.filename().string().find("state") == std::string::npos) continue;
    // The state as sriov-apply writes it back (apply saves the state it observed so).
    auto state = sriov::reconcile::parseStateYaml(text, file.string());
    if (!state) continue;
    ++states;
    requireSame(sriov::reconcile::toStateYaml(*state));
  }
  CHECK(states > 10);
}

TEST_CASE("canonical YAML: edits of the repository's files never read differently") {
  std::mt19937 rng(4000);
  const std::string alphabet = " \n\t-:|+\"\\#[]{}&*!'.0aZ\xc3\xa9\r";
  size_t taken = 0, tried = 0;
  for (const fs::path& file : repositoryYaml()) {
    std::string original = slurp(file);
    if (original.size() > 200000) continue;
    for (int i = 0; i < 40; ++i) {
      std::string text = original;
      for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0 && !text.empty(); --edits) {
        size_t at = rng() % text.size();
        char c = alphabet[rng() % alphabet.size()];
        switch (rng() % 3) {
          case 0:
            text[at] = c;
            break;
          case 1:
            text.insert(at, 1, c);
            break;
          default:
            text.erase(at, 1);
        }
      }
      auto check = checkCanonicalYaml(text);
      ++tried;
      if (check.canonical) ++taken;
      if (check.broken) {
        INFO(file.string() << " edited:\n" << text);
        FAIL(*check.broken);
      }
    }
  }
  MESSAGE("canonical reader took " << taken << " of " << tried << " edited files");
  CHECK(taken > 0);
}

TEST_CASE("canonical YAML: the layout's corners read as libyaml reads them") {
  // Literal blocks: chomping, empty lines inside and after, spaces beyond the indentation, tabs.
  requireSame("a: |\n  x\n");
  requireSame("a: |-\n  x\n");
  requireSame("a: |+\n  x\n\n\n");
  requireSame("a: |\n  x\n\n\nb: 1\n");
  requireSame("a: |-\n  x\n\n   \nb: 1\n");
  requireSame("a: |+\n  x\n\n \nb: 1\n");
  requireSame("a: |\n  x\n\n  y\n   z  \n  \tq\n");
  requireSame("a: |\n  x\n  \ty\n");
  requireSame("a: |\n  x\n     \n  y");
  requireSame("a: |\n  x");
  requireSame("a: |+\n  x");
  requireSame("a: |\n    deeper\n    x\nb: 1\n");
  requireSame("- a: |\n    x\n  b: |-\n    y\n- c\n");
  requireSame("a: |\n  caf\xc3\xa9 \xf0\x9f\x98\x80\n");
  // Collections: nested lists after "- ", maps in lists, empty ones, blank lines, trailing spaces.
  requireSame("- \n  - a\n  - b\n- c\n");
  requireSame("a:\n  - b: 1\n    c: [] \n  - {}\n\n\nd: e   \n");
  requireSame("  a: 1\n  b:\n    c: 2\n");
  requireSame("\"q\\\"k\": \"v\\\\\\n\\t\\r\\x01\"\n");
  requireSame("a: -1\nb: +2\nc: .5\nd: /x/y\ne: 1e+20\n");
  requireSame("a: |\n x\n");
  requireSame("a: true\nb: null\nc: \"\"\nd: NULL\n");
  requireSame("a:  b\n");
  requireSame("a:\n    - 1\n    - 2\n");
  // Flow collections on one line (the spec's VF references, pools' VF lists).
  requireSame("a: [1, 2]\nb: {c: 1, d: \"x\"}\n");
  requireSame("- vf: {pf: ens1f0, index: 0}\n  mac: \"52:54:00:00:00:00\"\n");
  requireSame("a: [{b: 1}, {c: [d, e]},{f:  [ ]}, [ ], { g: h }]  \n");
  requireSame("vfs: [{pf: enp1s0, index: 1}]\n");

  // Outside the layout: left to libyaml (no break either way).
  for (const char* text : {"",
                           "\n\n",
                           "# c\na: 1\n",
                           "a: 1 # c\n",
                           "a: b\n  c\n",
                           "a:\n- b\n",
                           "a:\n",
                           "a:\nb: 1\n",
                           "a: 'q'\n",
                           "a: \"\\u0041\"\n",
                           "a: &x 1\nb: *x\n",
                           "a: !!str 1\n",
                           "---\na: 1\n",
                           "a: 1\n...\n",
                           "a: 1\r\n",
                           "a:\t1\n",
                           "\ta: 1\n",
                           "a: b c\n",
                           "- - a\n",
                           "a: |2\n   x\n",
                           "a: |\n\n  x\n",
                           "a: |\n  x\n \ty\n",
                           "a: ~\n",
                           "a: |\n",
                           "a: |",
                           "a: >\n  x\n",
                           "a: caf\xc3\xa9\n",
                           "a: \"caf\xc3\xa9\"\n",
                           "a: |\n  \xc2\x85\n",
                           "a: |\n  \xef\xbb\xbf\n",
                           "a: |\n  \xff\n",
                           "a: |\n  \xed\xa0\x80\n",
                           "a: |\n  \x7f\n",
                           "a: [1,]\n",
                           "a: [,1]\n",
                           "a: [a: 1]\n",
                           "a: {b:1}\n",
                           "a: [1\n, 2]\n",
                           "a: [-, 1]\n",
                           "a: [1] b\n",
                           "a: {b}\n",
                           "a: {b: 1,, c: 2}\n",
                           "a: [1 2]\n",
                           "a: [\"x\":1]\n",
                           "a: 1\n b: 2\n",
                           "a:\n  b: 1\n c: 2\n",
                           "- a\nb: 1\n",
                           "a : 1\n",
                           "a: -\n",
                           "? a\n: 1\n",
                           "a: b:\n",
                           "a\n",
                           "-\n",
                           "- \n- a\n",
                           "\"a\nb\": 1\n",
                           "a: \"x\n"}) {
    INFO("text: " << std::string(text));
    CHECK_FALSE(canonical(text));
    requireNoBreak(text);
  }
}

TEST_CASE(
    "canonical YAML: every byte at every offset of a literal line reads as libyaml reads it") {
  // The literal reader takes printable ASCII 8 bytes at a time: a byte outside it, at any
  // position of a word and next to any other, must still send the text to libyaml or be read as
  // libyaml reads it (a tab, UTF-8).
  int canonicalTexts = 0;
  for (int offset = 0; offset < 17; ++offset) {
    for (int byte = 0; byte < 256; ++byte) {
      for (const char* around : {"x", "\x7f", "\xff", "\x1f"}) {
        std::string line(static_cast<size_t>(offset), 'a');
        line += static_cast<char>(byte);
        line += std::string_view(around).size() == 1
                    ? std::string(around)
                    : std::string(1, static_cast<char>(std::stoi(around + 2, nullptr, 16)));
        line += "<domain type='kvm'>";
        std::string text = "a: |\n  " + line + "\n  b\nc: 1\n";
        auto check = checkCanonicalYaml(text);
        if (check.canonical) ++canonicalTexts;
        if (check.broken) {
          INFO("offset " << offset << ", byte " << byte << ", then " << std::string(around));
          FAIL(*check.broken);
        }
      }
    }
  }
  // Printable ASCII and tab with an "x" after: 95 + 1 of each offset's 256 bytes, at least;
  // less 2 at offset 0, where a space or a tab first on the line is indentation.
  CHECK(canonicalTexts >= 17 * 96 - 2);
}

TEST_CASE("canonical YAML: limits leave the text to the general parsers, which report them") {
  std::string deep;
  for (int i = 0; i < 70; ++i) deep += std::string(static_cast<size_t>(2 * i), ' ') + "k:\n";
  deep += std::string(140, ' ') + "- x\n";
  CHECK_FALSE(canonical(deep));
  YamlLimits few;
  few.maxNodes = 5;
  YamlTree tree;
  CHECK_FALSE(readCanonicalYaml("a: 1\nb: 2\nc: 3\n", few, tree));
  std::string text = "a: 1\nb: 2\nc: 3\n";
  sriov::schema::TextColumns columns(text);
  auto read = sriov::schema::readYaml(text, few, columns);
  REQUIRE(read.scan.error);
  CHECK(read.scan.error->find("more than 5 nodes") != std::string::npos);
}
