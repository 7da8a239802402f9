// Checks the YAML tags of a spec: core schema tags that fit their node, nothing else.
#include "schema/yaml_tags.h"

#include <set>
#include <string>

#include "schema/shape.h"

namespace sriov::schema {
namespace {

const std::string kCore = "tag:yaml.org,2002:";

// Why node cannot carry its tag, or "" when it can.
std::string tagProblem(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  // No tag ("?", plain scalars and collections) or the non-specific "!" of a quoted scalar.
  if (tag.empty() || tag == "?" || tag == "!") return "";
  if (tag.rfind(kCore, 0) != 0) {
    return "unknown YAML tag '" + tag + "'; a spec uses no tags of its own: remove it";
  }
  const std::string name = tag.substr(kCore.size());
  const std::string shown = "!!" + name;
  if (name == "map") return node.IsMap() ? "" : shown + " on a value that is not a mapping";
  if (name == "seq") return node.IsSequence() ? "" : shown + " on a value that is not a sequence";
  if (name == "str" || name == "int" || name == "bool" || name == "null") {
    if (!node.IsScalar() && !node.IsNull()) return shown + " on a value that is not a scalar";
    if (name == "str") return "";
    YAML::Node plain(node.Scalar());  // the text as a plain scalar
    if (name == "int" && !readInteger(plain))
      return shown + " on '" + node.Scalar() + "', which is not an integer";
    if (name == "bool" && !readBoolean(plain))
      return shown + " on '" + node.Scalar() + "', which is not true or false";
    if (name == "null" && !(node.IsNull() || node.Scalar().empty() || node.Scalar() == "~" ||
                            node.Scalar() == "null"))
      return shown + " on '" + node.Scalar() + "', which is not null";
    return "";
  }
  return "YAML tag " + shown + " is not used in a spec (numbers are integers): remove it";
}

// Each map and sequence is walked once, by the place it starts in the text: an alias shares its
// anchor's node, so an alias bomb or an alias of a node inside itself (a cycle) costs no more
// than the text.
void check(const YAML::Node& node, Diagnostics& d, std::set<int>& walked) {
  if (std::string problem = tagProblem(node); !problem.empty()) {
    Position pos = positionOf(node);
    d.error(pos.line ? pos : Position{1, 1}, problem);
  }
  if ((node.IsMap() || node.IsSequence()) && !walked.insert(node.Mark().pos).second) return;
  if (node.IsMap()) {
    for (const auto& entry : node) {
      check(entry.first, d, walked);
      check(entry.second, d, walked);
    }
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node) check(item, d, walked);
  }
}

}  // namespace

void checkTags(const YAML::Node& root, Diagnostics& diagnostics) {
  // The depth is bounded by the event scan (yaml_budget.h) that runs first.
  std::set<int> walked;
  check(root, diagnostics, walked);
}

}  // namespace sriov::schema
