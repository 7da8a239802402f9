// Reads the block YAML layout that sriov-apply writes (reconcile/yaml_writer.cpp) straight into a
// YamlTree, with libyaml's positions, and gives up at the first thing outside that layout.
#pragma once

#include <string_view>

#include "schema/yaml_budget.h"
#include "schema/yaml_tree.h"

namespace sriov::schema {

// true: tree holds text's one document, node for node, value for value and position for
// position as libyaml's events build it (yaml_budget.cpp), within limits. false: text is outside
// the layout or breaks a limit, and the tree is unspecified; the caller reads the text again with
// a general parser, which gives the finding.
//
// The layout: block mappings and sequences, each entry on its own line ("- " items; a mapping
// item's first key on the dash's line; a nested block on the lines after "key:" or "- ", indented
// deeper); keys and values plain (letters, digits and _ . / + -, a "-" only before another such
// character), double-quoted on one line (escapes \" \\ \n \t \r and \xNN below 0x80), flow
// collections on one line of those ("[a, b]", "{pf: p, index: 0}", "[]"), and literal block
// scalars after a key ("|", "|-", "|+", no indentation indicator, the first line not blank; their
// lines any UTF-8 libyaml reads, tabs included). Blank lines and trailing spaces anywhere.
// Anything else (comments, anchors, tags, single quotes, other escapes, multi-line plain scalars
// and flow collections, tabs and non-ASCII outside literal blocks, CR, document markers, an empty
// document) gives false.
bool readCanonicalYaml(std::string_view text, const YamlLimits& limits, YamlTree& tree);

}  // namespace sriov::schema
