// The positioned YAML tree: its nodes as a builder appends them, and the handles that read them.
#include "schema/yaml_tree.h"

namespace sriov::schema {
namespace {

const std::string kEmpty;

// What yaml-cpp makes null: a plain untagged scalar that says nothing.
bool nullText(const std::string& s) {
  if (s.size() > 4) return false;
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

}  // namespace

// ---- YamlNode --------------------------------------------------------------------------------

YamlKind YamlNode::kind() const {
  return tree_ ? tree_->nodes_[index_].kind : YamlKind::null;
}

const std::string& YamlNode::scalar() const {
  if (!tree_) return kEmpty;
  const YamlTree::Node& n = tree_->nodes_[index_];
  return n.kind == YamlKind::scalar ? n.value : kEmpty;
}

const std::string& YamlNode::tag() const {
  return tree_ ? tree_->tags_[tree_->nodes_[index_].tag] : kEmpty;
}

Position YamlNode::position() const {
  return tree_ ? tree_->nodes_[index_].position : missingAt_;
}

size_t YamlNode::size() const {
  if (!tree_) return 0;
  const YamlTree::Node& n = tree_->nodes_[index_];
  if (n.kind == YamlKind::sequence) return n.count;
  if (n.kind == YamlKind::map) return n.count / 2;
  return 0;
}

YamlNode YamlNode::missing() const {
  YamlNode none;
  none.missingAt_ = position();
  return none;
}

YamlNode YamlNode::operator[](size_t index) const {
  if (!isSequence() || index >= size()) return missing();
  const YamlTree::Node& n = tree_->nodes_[index_];
  return YamlNode(tree_, tree_->children_[n.first + index]);
}

YamlNode YamlNode::operator[](std::string_view key) const {
  if (!isMap()) return missing();
  const YamlTree::Node& n = tree_->nodes_[index_];
  for (uint32_t i = 0; i < n.count; i += 2) {
    const YamlTree::Node& k = tree_->nodes_[tree_->children_[n.first + i]];
    if (k.kind == YamlKind::scalar && k.value == key)
      return YamlNode(tree_, tree_->children_[n.first + i + 1]);
  }
  return missing();
}

std::vector<YamlNode> YamlNode::items() const {
  std::vector<YamlNode> out;
  if (!isSequence()) return out;
  const YamlTree::Node& n = tree_->nodes_[index_];
  out.reserve(n.count);
  for (uint32_t i = 0; i < n.count; ++i)
    out.push_back(YamlNode(tree_, tree_->children_[n.first + i]));
  return out;
}

std::vector<YamlNode::Entry> YamlNode::entries() const {
  std::vector<Entry> out;
  if (!isMap()) return out;
  const YamlTree::Node& n = tree_->nodes_[index_];
  out.reserve(n.count / 2);
  for (uint32_t i = 0; i + 1 < n.count; i += 2) {
    out.push_back({YamlNode(tree_, tree_->children_[n.first + i]),
                   YamlNode(tree_, tree_->children_[n.first + i + 1])});
  }
  return out;
}

// ---- YamlTree --------------------------------------------------------------------------------

YamlNode YamlTree::root() const {
  if (!hasRoot_) {
    YamlNode none;
    none.missingAt_ = {};
    return none;  // an empty stream: as null as yaml-cpp's empty document
  }
  return YamlNode(this, root_);
}

std::string YamlTree::takeScalar(const YamlNode& node) {
  if (node.tree_ != this || nodes_[node.index_].kind != YamlKind::scalar) return "";
  Node& n = nodes_[node.index_];
  return n.aliased ? n.value : std::move(n.value);
}

uint32_t YamlTree::tagIndex(std::string_view tag, bool plainScalarOrCollection) {
  if (tag.empty()) return plainScalarOrCollection ? 0 : 1;
  for (uint32_t i = 0; i < tags_.size(); ++i)
    if (tags_[i] == tag) return i;
  tags_.emplace_back(tag);
  return static_cast<uint32_t>(tags_.size() - 1);
}

bool YamlTree::attach(uint32_t index) {
  if (open_.empty()) {
    if (hasRoot_) return false;  // one document, one root
    root_ = index;
    hasRoot_ = true;
    return true;
  }
  pending_.push_back(index);
  return true;
}

void YamlTree::reserve(size_t nodes) {
  nodes_.reserve(nodes);
  children_.reserve(nodes);
  pending_.reserve(nodes);
}

bool YamlTree::add(Node node, std::string_view anchor) {
  if (nodes_.size() >= UINT32_MAX - 1) return false;
  const uint32_t index = static_cast<uint32_t>(nodes_.size());
  nodes_.push_back(std::move(node));
  // Known from here on, as yaml-cpp registers it: an alias inside its own anchor's collection
  // is that collection (a cycle, which every walk of the tree bounds).
  if (!anchor.empty()) anchors_[std::string(anchor)] = index;
  return attach(index);
}

bool YamlTree::scalar(Position at, std::string value, bool plain, std::string_view tag,
                      std::string_view anchor) {
  Node n;
  n.kind = plain && tag.empty() && nullText(value) ? YamlKind::null : YamlKind::scalar;
  n.tag = tagIndex(tag, plain);
  n.position = at;
  if (n.kind == YamlKind::scalar) n.value = std::move(value);
  return add(std::move(n), anchor);
}

bool YamlTree::open(YamlKind kind, Position at, std::string_view tag, std::string_view anchor) {
  Node n;
  n.kind = kind;
  n.tag = tagIndex(tag, true);
  n.position = at;
  const uint32_t index = static_cast<uint32_t>(nodes_.size());
  if (!add(std::move(n), anchor)) return false;
  open_.push_back(index);
  pendingFrom_.push_back(pending_.size());
  return true;
}

bool YamlTree::close() {
  if (open_.empty()) return false;
  Node& n = nodes_[open_.back()];
  const size_t from = pendingFrom_.back();
  n.first = static_cast<uint32_t>(children_.size());
  n.count = static_cast<uint32_t>(pending_.size() - from);
  if (n.kind == YamlKind::map && n.count % 2 != 0) return false;
  children_.insert(children_.end(), pending_.begin() + static_cast<std::ptrdiff_t>(from),
                   pending_.end());
  pending_.resize(from);
  open_.pop_back();
  pendingFrom_.pop_back();
  return true;
}

bool YamlTree::alias(std::string_view anchor) {
  auto it = anchors_.find(std::string(anchor));
  if (it == anchors_.end()) return false;
  nodes_[it->second].aliased = true;
  return attach(it->second);
}

}  // namespace sriov::schema
