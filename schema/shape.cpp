// Table-driven checking of the YAML tree: the part of validation that needs no cross-references.
#include "schema/shape.h"

#include <array>
#include <charconv>
#include <map>
#include <optional>
#include <vector>

#include "schema/mac_address.h"
#include "schema/names.h"
#include "schema/pci_address.h"
#include "schema/pci_id.h"
#include "schema/text_check.h"
#include "schema/yaml_tags.h"

namespace sriov::schema {
namespace {

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

// A string by its form (quotes: the non-specific tag "!") or by its tag (!!str).
bool isQuoted(const YamlNode& node) {
  return node.tag() == "!" || node.tag() == kStrTag;
}

// "first-last" as two numbers, in whatever order they were written.
std::optional<std::pair<unsigned, unsigned>> splitRange(const std::string& s) {
  size_t dash = s.find('-');
  if (dash == std::string::npos || dash == 0) return std::nullopt;
  unsigned first = 0, last = 0;
  auto a = std::from_chars(s.data(), s.data() + dash, first);
  auto b = std::from_chars(s.data() + dash + 1, s.data() + s.size(), last);
  if (a.ec != std::errc() || a.ptr != s.data() + dash || b.ec != std::errc() ||
      b.ptr != s.data() + s.size())
    return std::nullopt;
  return std::make_pair(first, last);
}

// "a mapping", "a sequence", "null" or the scalar itself, for "got ..." in messages.
std::string describe(const YamlNode& node) {
  if (node.isMap()) return "a mapping";
  if (node.isSequence()) return "a sequence";
  if (node.isNull()) return "nothing";
  if (isQuoted(node)) return "the string " + quoted(node.scalar());
  return quoted(node.scalar());
}

std::string joined(std::span<const std::string_view> words, std::string_view last) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += (i + 1 == words.size()) ? std::string(last) : std::string(", ");
    out += words[i];
  }
  return out;
}

std::string quotedList(std::span<const std::string_view> words, std::string_view last) {
  std::vector<std::string> q;
  for (std::string_view w : words) q.push_back("'" + std::string(w) + "'");
  std::vector<std::string_view> views(q.begin(), q.end());
  return joined(views, last);
}

std::optional<std::string> formatProblem(Format format, const std::string& value) {
  switch (format) {
    case Format::none:
    case Format::anyText:
      return std::nullopt;
    case Format::pciAddress:
      if (PciAddress::parse(value)) return std::nullopt;
      return quoted(value) +
             " is not a PCI address; write domain:bus:slot.function, e.g. 0000:0b:00.0 or "
             "0b:00.0";
    case Format::pciId:
      if (normalisePciId(value)) return std::nullopt;
      return quoted(value) +
             " is not a PCI vendor:device ID; write four hex digits each as lspci -nn shows "
             "them, e.g. 8086:10c9";
    case Format::macAddress: {
      std::optional<std::string> mac = normaliseMac(value);
      if (!mac) {
        return quoted(value) +
               " is not a MAC address; write six hex pairs separated by ':', e.g. "
               "52:54:00:6d:90:02";
      }
      if (isZeroMac(*mac))
        return "MAC " + *mac + " is all zero; give a unicast MAC or leave mac out";
      if (isMulticastMac(*mac)) {
        return "MAC " + *mac +
               " is a multicast address (the first octet is odd); a VF needs a unicast MAC";
      }
      return std::nullopt;
    }
    case Format::ifname:
      if (std::optional<std::string> p = ifnameProblem(value)) return quoted(value) + ": " + *p;
      return std::nullopt;
    case Format::pfRef:
      if (PciAddress::parse(value) || !ifnameProblem(value)) return std::nullopt;
      return quoted(value) +
             " is neither an interface name nor a PCI address: " + *ifnameProblem(value);
    case Format::objectName:
      if (std::optional<std::string> p = objectNameProblem(value)) return quoted(value) + ": " + *p;
      return std::nullopt;
    case Format::driverName:
      if (std::optional<std::string> p = driverNameProblem(value)) return quoted(value) + ": " + *p;
      return std::nullopt;
  }
  return std::nullopt;
}

const std::string kNoKey;  // the key of an entry whose key is not a scalar

// The first position of each key of an object's definition, by index; on the stack for the
// definitions there are (a few dozen keys at most).
class Seen {
 public:
  explicit Seen(size_t keys) : heap_(keys > kInline ? keys : 0) {}
  // Marks key i seen at at; returns where it was seen first when it was already.
  std::optional<Position> mark(size_t i, Position at) {
    Slot& slot = heap_.empty() ? inline_[i] : heap_[i];
    if (slot.seen) return slot.at;
    slot = {true, at};
    return std::nullopt;
  }
  bool has(size_t i) const { return heap_.empty() ? inline_[i].seen : heap_[i].seen; }

 private:
  struct Slot {
    bool seen = false;
    Position at;
  };
  static constexpr size_t kInline = 48;
  std::array<Slot, kInline> inline_{};
  std::vector<Slot> heap_;
};

class ShapeChecker {
 public:
  explicit ShapeChecker(Diagnostics& diagnostics) : d_(diagnostics) {}

  void object(const YamlNode& node, const ObjectDef& def) {
    if (!node.isMap()) {
      d_.error(positionOf(node),
               std::string(def.noun) + " must be a mapping, got " + describe(node));
      return;
    }
    // Where each of def's keys was first seen, by its index in def.keys; other keys by name
    // (only ever filled on a mistake).
    Seen seen(def.keys.size());
    std::map<std::string, Position, std::less<>> unknown;
    for (const YamlNode::Entry& entry : node.entries()) {
      const YamlNode& keyNode = entry.key;
      const std::string& key = keyNode.isScalar() ? keyNode.scalar() : kNoKey;
      Position keyPos = positionOf(keyNode);
      const KeyDef* k = def.find(key);
      std::optional<Position> first;
      if (k) {
        first = seen.mark(static_cast<size_t>(k - def.keys.data()), keyPos);
      } else if (auto [it, inserted] = unknown.emplace(key, keyPos); !inserted) {
        first = it->second;
      }
      if (first) {
        d_.error(keyPos, "duplicate key '" + key + "' (first at " + std::to_string(first->line) +
                             ":" + std::to_string(first->col) + ")");
        continue;
      }
      if (!k) {
        unknownKey(keyPos, key, def);
        continue;
      }
      value(entry.value, *k, keyPos);
    }
    auto present = [&](std::string_view name) -> bool {
      const KeyDef* k = def.find(name);
      return k ? seen.has(static_cast<size_t>(k - def.keys.data())) : unknown.count(name) > 0;
    };
    for (const KeyDef& k : def.keys) {
      if (k.required == Required::yes && !present(k.name)) {
        d_.error(positionOf(node), std::string(def.noun) + " needs '" + std::string(k.name) + "'");
      }
    }
    for (const ChoiceDef& choice : def.choices) {
      size_t count = 0;
      for (std::string_view k : choice.keys) count += present(k) ? 1 : 0;
      if (count == 0) {
        d_.error(positionOf(node),
                 std::string(def.noun) + " needs " + quotedList(choice.keys, " or "));
      } else if (count > 1 && choice.kind == ChoiceDef::Kind::oneOf) {
        d_.error(positionOf(node), std::string(def.noun) + " takes only one of " +
                                       quotedList(choice.keys, " or ") + ", not both");
      }
    }
  }

 private:
  void unknownKey(Position pos, const std::string& key, const ObjectDef& def) {
    std::vector<std::string_view> names;
    for (const KeyDef& k : def.keys) names.push_back(k.name);
    std::string message = "unknown key '" + key + "' in " + std::string(def.noun);
    if (std::optional<std::string_view> near = closest(key, names)) {
      message += "; did you mean '" + std::string(*near) + "'?";
    } else {
      message += "; expected " + quotedList(names, " or ");
    }
    d_.error(pos, message);
  }

  void value(const YamlNode& node, const KeyDef& k, Position keyPos) {
    Position pos = positionOf(node);
    if (pos.line == 0) pos = keyPos;
    // The key's name for messages, made only for one.
    auto name = [&k] { return "'" + std::string(k.name) + "'"; };
    if (node.isNull() && k.kind != ValueKind::object) {
      d_.error(keyPos, name() + " has no value");
      return;
    }
    switch (k.kind) {
      case ValueKind::string: {
        if (!node.isScalar()) {
          d_.error(pos, name() + " must be a string, got " + describe(node));
          return;
        }
        const std::string& s = node.scalar();
        if (std::optional<std::string> p = formatProblem(k.format, s)) {
          d_.error(pos, *p);
        } else if (std::optional<std::string> bad =
                       k.format == Format::anyText ? std::nullopt : textProblem(s)) {
          d_.error(pos, name() + " " + *bad);
        }
        return;
      }
      case ValueKind::integer:
        integer(node, k, "", pos);
        return;
      case ValueKind::boolean:
        if (!readBoolean(node))
          d_.error(pos, name() + " must be true or false, got " + describe(node));
        return;
      case ValueKind::enumeration: {
        const std::string* s = node.isScalar() ? &node.scalar() : nullptr;
        for (std::string_view v : k.values)
          if (s && *s == v) return;
        std::string message = name() + " must be " + (k.values.size() == 1 ? "" : "one of ") +
                              joined(k.values, ", ") + "; got " + describe(node);
        if (s) {
          if (std::optional<std::string_view> near = closest(*s, k.values))
            message += "; did you mean '" + std::string(*near) + "'?";
        }
        d_.error(pos, message);
        return;
      }
      case ValueKind::object:
        if (node.isNull()) {
          d_.error(keyPos, name() + " has no value");
        } else {
          object(node, *k.object);
        }
        return;
      case ValueKind::array:
        if (!node.isSequence()) {
          d_.error(pos, name() + " must be a sequence, got " + describe(node));
          return;
        }
        for (const YamlNode& item : node.items()) {
          if (k.item.kind == ValueKind::object) {
            object(item, *k.item.object);
          } else if (k.item.kind == ValueKind::integer) {
            KeyDef bounds = k;
            bounds.min = k.item.min;
            bounds.max = k.item.max;
            integer(item, bounds, "items of ", positionOf(item));
          } else if (!item.isScalar()) {
            d_.error(positionOf(item),
                     "items of " + name() + " must be strings, got " + describe(item));
          }
        }
        return;
      case ValueKind::vfIndex:
        vfIndex(node, k, pos);
        return;
      case ValueKind::vlan:
        if (node.isMap()) {
          object(node, *k.object);
        } else {
          integer(node, k, "", pos);
        }
        return;
    }
  }

  // An integer within k's bounds; messages name it as prefix + 'key'.
  void integer(const YamlNode& node, const KeyDef& k, std::string_view prefix, Position pos) {
    auto name = [&] { return std::string(prefix) + "'" + std::string(k.name) + "'"; };
    if (node.isScalar() && isQuoted(node) && readIntegerText(node.scalar())) {
      d_.error(pos, name() + " must be an integer, got the string " + quoted(node.scalar()) +
                        (node.tag() == kStrTag ? "; remove the !!str tag" : "; remove the quotes"));
      return;
    }
    std::optional<int64_t> v = readInteger(node);
    if (!v) {
      d_.error(pos, name() + " must be an integer, got " + describe(node));
    } else if (*v < k.min || *v > k.max) {
      d_.error(pos, name() + " must be between " + std::to_string(k.min) + " and " +
                        std::to_string(k.max) + ", got " + std::to_string(*v));
    }
  }

  void vfIndex(const YamlNode& node, const KeyDef& k, Position pos) {
    const std::string name = "'" + std::string(k.name) + "'";
    if (std::optional<int64_t> v = readInteger(node)) {
      if (*v < k.min || *v > k.max) {
        d_.error(pos, name + " must be between " + std::to_string(k.min) + " and " +
                          std::to_string(k.max) + ", got " + std::to_string(*v));
      }
      return;
    }
    if (readVfIndex(node)) return;
    std::optional<std::string> s = readString(node);
    std::optional<std::pair<unsigned, unsigned>> range = s ? splitRange(*s) : std::nullopt;
    if (range && range->first > range->second) {
      d_.error(pos, "VF range " + quoted(*s) + " is backwards; write " +
                        std::to_string(range->second) + "-" + std::to_string(range->first));
      return;
    }
    d_.error(pos, name + " must be a VF index or a range like \"0-3\", got " + describe(node));
  }

  Diagnostics& d_;
};

}  // namespace

Position positionOf(const YamlNode& node) {
  return node.position();
}

void checkShape(const YamlNode& node, const ObjectDef& def, Diagnostics& diagnostics) {
  ShapeChecker(diagnostics).object(node, def);
}

std::optional<std::string> readString(const YamlNode& node) {
  if (!node.isScalar()) return std::nullopt;
  return node.scalar();
}

std::optional<int64_t> readIntegerText(const std::string& s) {
  const char* begin = s.data();
  if (!s.empty() && s[0] == '+') ++begin;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(begin, s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || begin == s.data() + s.size())
    return std::nullopt;
  return value;
}

std::optional<bool> readBooleanText(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

std::optional<int64_t> readInteger(const YamlNode& node) {
  if (!node.isScalar() || isQuoted(node)) return std::nullopt;
  return readIntegerText(node.scalar());
}

std::optional<bool> readBoolean(const YamlNode& node) {
  if (!node.isScalar() || isQuoted(node)) return std::nullopt;
  return readBooleanText(node.scalar());
}

std::optional<std::pair<unsigned, unsigned>> readVfIndex(const YamlNode& node) {
  if (std::optional<int64_t> v = readInteger(node)) {
    if (*v < 0 || *v > 65534) return std::nullopt;
    return std::make_pair(static_cast<unsigned>(*v), static_cast<unsigned>(*v));
  }
  std::optional<std::string> s = readString(node);
  if (!s) return std::nullopt;
  std::optional<std::pair<unsigned, unsigned>> range = splitRange(*s);
  if (!range || range->first > range->second || range->second > 65534) return std::nullopt;
  return range;
}

}  // namespace sriov::schema
