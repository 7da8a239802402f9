// One YAML document as a tree of positioned nodes: what the spec and state loaders read, built
// from a parser's events (yaml_budget.h) instead of yaml-cpp's node graph, which cost 55% of a
// no-op plan at 4,000 VFs in its parse and most of the memory.
//
// A node reads as yaml-cpp's would: a plain untagged "", "~", "null", "Null" or "NULL" is null;
// tag() is "?" for an untagged plain scalar or collection, "!" for an untagged quoted or block
// scalar, else the tag resolved ("!!str": "tag:yaml.org,2002:str"); an alias is its anchor's
// node (the same id); a duplicate key is kept (entries() lists both, operator[] finds the first).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "schema/diagnostic.h"

namespace sriov::schema {

class YamlTree;

enum class YamlKind : uint8_t { null, scalar, sequence, map };

// A handle on one node of a YamlTree (which must outlive it), or an undefined node: a missing
// key or item, positioned where its map or sequence is.
class YamlNode {
 public:
  YamlNode() = default;

  bool defined() const { return tree_ != nullptr; }
  explicit operator bool() const { return defined(); }
  bool isNull() const { return kind() == YamlKind::null; }
  bool isScalar() const { return kind() == YamlKind::scalar; }
  bool isSequence() const { return kind() == YamlKind::sequence; }
  bool isMap() const { return kind() == YamlKind::map; }

  // The scalar's text; "" for anything else.
  const std::string& scalar() const;
  const std::string& tag() const;
  // 1-based, columns in characters; {0, 0} when nothing is known.
  Position position() const;
  // Identity: an alias has its anchor's id. Undefined nodes have none (UINT32_MAX).
  uint32_t id() const { return index_; }

  // Items of a sequence, entries of a map (0 for anything else).
  size_t size() const;
  YamlNode operator[](size_t index) const;
  // The value of the first entry whose key is the scalar key; undefined when there is none.
  YamlNode operator[](std::string_view key) const;
  struct Entry;
  std::vector<YamlNode> items() const;
  std::vector<Entry> entries() const;

 private:
  friend class YamlTree;
  YamlNode(const YamlTree* tree, uint32_t index) : tree_(tree), index_(index) {}
  YamlNode missing() const;
  YamlKind kind() const;

  const YamlTree* tree_ = nullptr;
  uint32_t index_ = UINT32_MAX;
  Position missingAt_;
};

struct YamlNode::Entry {
  YamlNode key;
  YamlNode value;
};

// The nodes, appended by a builder as a parser's events arrive (yaml_budget.cpp feeds it).
class YamlTree {
 public:
  // The document's root; a null node at {0, 0} for an empty stream.
  YamlNode root() const;

  // The scalar's text, moved out (for a large scalar read for the last time): the node reads
  // "" after, unless an alias also names it (then a copy). "" for anything that is not a
  // scalar of this tree.
  std::string takeScalar(const YamlNode& node);

  // ---- building, in event order ----
  // Room for about this many nodes (a hint: a reader that can guess the count saves the
  // vector's regrowth and its copies).
  void reserve(size_t nodes);
  // A scalar, as the parser reports it: plain (no quotes, no block indicator) and its tag, ""
  // when it has none. Returns false (and the build fails) on a broken event order.
  bool scalar(Position at, std::string value, bool plain, std::string_view tag,
              std::string_view anchor);
  bool open(YamlKind kind, Position at, std::string_view tag, std::string_view anchor);
  bool close();
  // false when the anchor was never defined.
  bool alias(std::string_view anchor);
  // Every collection closed and one root: the tree is whole.
  bool complete() const { return open_.empty() && hasRoot_; }
  // Whether any node carries a tag of its own (not only "?" and "!"): tags_ starts with those
  // two (kBuiltInTags) and tagIndex adds every other tag once.
  bool anyTag() const { return tags_.size() > kBuiltInTags; }

 private:
  friend class YamlNode;
  struct Node {
    YamlKind kind = YamlKind::null;
    bool aliased = false;  // an alias names it too
    uint32_t tag = 0;      // into tags_: 0 "?", 1 "!", else a tag as written, resolved
    Position position;
    std::string value;
    uint32_t first = 0;  // children in children_: items, or key, value, key, value, ...
    uint32_t count = 0;
  };
  bool add(Node node, std::string_view anchor);
  bool attach(uint32_t index);
  uint32_t tagIndex(std::string_view tag, bool plainScalarOrCollection);

  std::vector<Node> nodes_;
  std::vector<uint32_t> children_;
  static constexpr size_t kBuiltInTags = 2;
  std::vector<std::string> tags_{"?", "!"};
  std::unordered_map<std::string, uint32_t> anchors_;  // an anchor's latest definition
  std::vector<uint32_t> open_;                         // open collections
  std::vector<uint32_t> pending_;                      // their children so far, in order
  std::vector<size_t> pendingFrom_;                    // where each one's children start
  uint32_t root_ = UINT32_MAX;
  bool hasRoot_ = false;
};

}  // namespace sriov::schema
