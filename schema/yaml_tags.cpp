// Checks the YAML tags of a spec: core schema tags that fit their node, nothing else.
#include "schema/yaml_tags.h"

#include <set>
#include <string>

#include "schema/shape.h"

namespace sriov::schema {
namespace {

const std::string kCore = "tag:yaml.org,2002:";

// Why node cannot carry its tag, or "" when it can.
std::string tagProblem(const YamlNode& node) {
  const std::string& tag = node.tag();
  // No tag ("?", plain scalars and collections) or the non-specific "!" of a quoted scalar.
  if (tag.empty() || tag == "?" || tag == "!") return "";
  if (tag.rfind(kCore, 0) != 0) {
    return "unknown YAML tag '" + tag + "'; a spec uses no tags of its own: remove it";
  }
  const std::string name = tag.substr(kCore.size());
  const std::string shown = "!!" + name;
  if (name == "map") return node.isMap() ? "" : shown + " on a value that is not a mapping";
  if (name == "seq") return node.isSequence() ? "" : shown + " on a value that is not a sequence";
  if (name == "str" || name == "int" || name == "bool" || name == "null") {
    if (!node.isScalar() && !node.isNull()) return shown + " on a value that is not a scalar";
    if (name == "str") return "";
    // the text as if written plain
    if (name == "int" && !readIntegerText(node.scalar()))
      return shown + " on '" + node.scalar() + "', which is not an integer";
    if (name == "bool" && !readBooleanText(node.scalar()))
      return shown + " on '" + node.scalar() + "', which is not true or false";
    if (name == "null" && !(node.isNull() || node.scalar().empty() || node.scalar() == "~" ||
                            node.scalar() == "null"))
      return shown + " on '" + node.scalar() + "', which is not null";
    return "";
  }
  return "YAML tag " + shown + " is not used in a spec (numbers are integers): remove it";
}

// Each map and sequence is walked once, by its id: an alias shares its
// anchor's node, so an alias bomb or an alias of a node inside itself (a cycle) costs no more
// than the text.
void check(const YamlNode& node, Diagnostics& d, std::set<uint32_t>& walked) {
  if (std::string problem = tagProblem(node); !problem.empty()) {
    Position pos = positionOf(node);
    d.error(pos.line ? pos : Position{1, 1}, problem);
  }
  if ((node.isMap() || node.isSequence()) && !walked.insert(node.id()).second) return;
  if (node.isMap()) {
    for (const YamlNode::Entry& entry : node.entries()) {
      check(entry.key, d, walked);
      check(entry.value, d, walked);
    }
  } else if (node.isSequence()) {
    for (const YamlNode& item : node.items()) check(item, d, walked);
  }
}

}  // namespace

void checkTags(const YamlNode& root, Diagnostics& diagnostics) {
  // The depth is bounded by the event scan (yaml_budget.h) that runs first.
  std::set<uint32_t> walked;
  check(root, diagnostics, walked);
}

}  // namespace sriov::schema
