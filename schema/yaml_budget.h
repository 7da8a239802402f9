// Reads YAML text within limits (one document, depth, alias expansion) into a positioned tree,
// or says why it cannot: what the spec and state loaders parse with.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "schema/text_position.h"
#include "schema/yaml_tree.h"

namespace sriov::schema {

struct YamlLimits {
  size_t maxDepth = 64;               // nested mappings and sequences
  size_t maxNodes = 1000000;          // nodes after every alias is expanded
  size_t maxScalarBytes = 16u << 20;  // scalar bytes after every alias is expanded
};

// What a scan found: the number of documents (it stops counting at 2) or the first limit broken.
struct YamlScan {
  size_t documents = 0;
  int secondDocumentLine = 0;  // 1-based, when documents == 2
  int secondDocumentColumn = 0;
  // Set when the text breaks a limit or is not YAML: 1-based position and a sentence.
  std::optional<std::string> error;
  bool syntax = false;  // error is yaml-cpp's own message (not a limit)
  int line = 1;
  int column = 1;
};

// The document of text (normalised: text_position.h) as a tree, built from libyaml's events in
// the same pass that checks the limits: the tree when scan has no error and at most one document
// (an empty stream: the tree's root is null). Nothing the text says can cost more than the
// limits: the parsers are event parsers and the tree is built within the budget (yaml-cpp 0.7's
// LoadAll never ends on a leading ',', and an alias bomb expands to billions of nodes when
// walked). Text libyaml refuses is read from yaml-cpp's events, so what yaml-cpp read before
// still reads the same, and every finding (syntax, limit, second document) is yaml-cpp's, with
// its marks and messages.
// libyaml is the C parser Debian ships (0.2.5); at 4,000 VFs its pass over an 8 MB state file
// costs a tenth of yaml-cpp's YAML::Load, and its tree a fraction of the memory.
struct YamlRead {
  YamlTree tree;
  YamlScan scan;
};
// Text in the layout sriov-apply writes (canonical_yaml.h: every state file it wrote) is read by
// a reader of that layout alone, about ten times faster than libyaml, into the same tree.
YamlRead readYaml(const std::string& text, const YamlLimits& limits, const TextColumns& columns);
// readYaml without the canonical reader: libyaml, then yaml-cpp. What readYaml falls back to,
// and what the canonical reader is tested against.
YamlRead readYamlGeneral(const std::string& text, const YamlLimits& limits,
                         const TextColumns& columns);

}  // namespace sriov::schema
