// Checks YAML text against limits before any tree is built: one document, depth, alias expansion.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

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

// Parses text with an event parser only (no tree), so that nothing the text says can cost more
// than the limits: yaml-cpp 0.7's LoadAll never ends on a leading ',' (every call returns a new
// empty document), and an alias bomb expands to billions of nodes when walked. libyaml's parser
// first (fast); yaml-cpp's whenever there is something to report, for its marks and messages.
YamlScan scanYaml(const std::string& text, const YamlLimits& limits);

}  // namespace sriov::schema
