// The property the canonical-YAML fuzz target and its unit tests check: whatever text the
// canonical reader (schema/canonical_yaml.h) accepts, libyaml reads too, into the same tree:
// the same nodes, kinds, values, tags and positions, in the same order.
#pragma once

#include <optional>
#include <sstream>
#include <string>

#include "schema/canonical_yaml.h"
#include "schema/text_position.h"
#include "schema/yaml_budget.h"
#include "schema/yaml_tree.h"

namespace sriov::fuzz {

// The first difference between two trees' nodes, as "PATH: what", or nullopt.
inline std::optional<std::string> yamlTreeDifference(const schema::YamlNode& a,
                                                     const schema::YamlNode& b,
                                                     const std::string& path = "$") {
  auto differ = [&](const std::string& what) { return path + ": " + what; };
  auto kindOf = [](const schema::YamlNode& n) {
    return !n.defined()     ? "undefined"
           : n.isNull()     ? "null"
           : n.isScalar()   ? "scalar"
           : n.isSequence() ? "sequence"
                            : "map";
  };
  if (std::string(kindOf(a)) != kindOf(b))
    return differ(std::string(kindOf(a)) + " against " + kindOf(b));
  if (a.scalar() != b.scalar()) return differ("'" + a.scalar() + "' against '" + b.scalar() + "'");
  if (a.tag() != b.tag()) return differ("tag " + a.tag() + " against " + b.tag());
  schema::Position pa = a.position(), pb = b.position();
  if (pa.line != pb.line || pa.col != pb.col) {
    std::ostringstream out;
    out << "at " << pa.line << ":" << pa.col << " against " << pb.line << ":" << pb.col;
    return differ(out.str());
  }
  if (a.size() != b.size())
    return differ("size " + std::to_string(a.size()) + " against " + std::to_string(b.size()));
  if (a.isSequence()) {
    for (size_t i = 0; i < a.size(); ++i) {
      if (auto d = yamlTreeDifference(a[i], b[i], path + "[" + std::to_string(i) + "]")) return d;
    }
  } else if (a.isMap()) {
    auto ea = a.entries(), eb = b.entries();
    for (size_t i = 0; i < ea.size(); ++i) {
      std::string at = path + "{" + std::to_string(i) + "}";
      if (auto d = yamlTreeDifference(ea[i].key, eb[i].key, at + " key")) return d;
      if (auto d = yamlTreeDifference(ea[i].value, eb[i].value, at + "." + ea[i].key.scalar()))
        return d;
    }
  }
  return std::nullopt;
}

// What breaks the property for text, or nullopt: "not canonical" is no break (the reader gave
// up, and readYaml goes on with libyaml).
struct CanonicalCheck {
  bool canonical = false;
  std::optional<std::string> broken;
};
inline CanonicalCheck checkCanonicalYaml(const std::string& text,
                                         const schema::YamlLimits& limits = {}) {
  CanonicalCheck check;
  schema::YamlTree fast;
  check.canonical = schema::readCanonicalYaml(text, limits, fast);
  if (!check.canonical) return check;
  schema::TextColumns columns(text);
  schema::YamlRead general = schema::readYamlGeneral(text, limits, columns);
  if (general.scan.error) {
    check.broken =
        "the canonical reader took text the general parsers refuse: " + *general.scan.error;
  } else if (general.scan.documents != 1) {
    check.broken =
        "the canonical reader took " + std::to_string(general.scan.documents) + " documents as one";
  } else if (auto d = yamlTreeDifference(fast.root(), general.tree.root())) {
    check.broken = "the trees differ at " + *d;
  }
  return check;
}

}  // namespace sriov::fuzz
