// The one table of spec keys: it drives the loader's type, range and unknown-key checks and
// the generated JSON Schema, so the two cannot disagree (a test proves the committed schema
// matches it).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace sriov::schema {

enum class ValueKind {
  string,
  integer,
  boolean,
  enumeration,  // a string from KeyDef::values
  object,       // a mapping described by KeyDef::object
  array,        // a sequence of KeyDef::item
  vfIndex,      // an integer, or a range string "first-last"
  vlan,         // an integer (min..max), or a mapping described by KeyDef::object
};

// Extra shape of a string value, checked by the loader and written as a JSON Schema pattern.
enum class Format {
  none,
  pciAddress,  // 0000:0b:10.2 or 0b:10.2
  pciId,       // vendor:device, four hex digits each: 8086:10c9
  macAddress,  // 52:54:00:6d:90:02, unicast, not all zero
  ifname,      // a Linux interface name: it ends up in sysfs paths
  pfRef,       // an ifname or a PCI address
  objectName,  // a libvirt object name: not empty, no '/'
  driverName,  // a kernel driver name: letters, digits, '_' and '-'
  anyText,     // a string as the host has it (state files: XML, file contents, observed names):
               // any characters, lines and control characters included; only its type is checked
};

struct ObjectDef;

// How an array's items look (arrays of arrays are not needed).
struct ItemDef {
  ValueKind kind = ValueKind::string;  // string, integer or object
  const ObjectDef* object = nullptr;
  Format format = Format::none;
  int64_t min = 0;  // integers: inclusive bounds
  int64_t max = 0;
};

enum class Required { no, yes };

struct KeyDef {
  std::string_view name;
  ValueKind kind = ValueKind::string;
  Required required = Required::no;
  std::string_view description;
  std::string_view defaultJson = {};  // JSON literal of the default, empty when none
  int64_t min = 0;                    // integers: inclusive bounds
  int64_t max = 0;
  std::span<const std::string_view> values = {};  // enumerations
  Format format = Format::none;
  const ObjectDef* object = nullptr;  // objects
  ItemDef item = {};                  // arrays
};

// A rule over several keys of one object: at least one of them (anyOf), or exactly one (oneOf).
struct ChoiceDef {
  enum class Kind { anyOf, oneOf };
  Kind kind;
  std::span<const std::string_view> keys;
};

struct ObjectDef {
  std::string_view id;    // JSON Schema $defs name
  std::string_view noun;  // for messages: "a PF", "an interface"
  std::string_view description;
  std::span<const KeyDef> keys;
  std::span<const ChoiceDef> choices = {};
  // JSON Schema text of the rules over several keys that validate.cpp checks and JSON Schema can
  // express (a JSON array of schemas, written under allOf); empty when none.
  std::string_view rulesJson = {};

  const KeyDef* find(std::string_view key) const;
};

// The document root (apiVersion, host, pfs, networks, guests, prune).
const ObjectDef& specRoot();
// Every object definition, root first, in a fixed order.
std::span<const ObjectDef* const> allObjects();

}  // namespace sriov::schema
