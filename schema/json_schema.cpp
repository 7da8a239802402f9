// Generating the JSON Schema from the key table in keys.cpp.
#include "schema/json_schema.h"

#include <nlohmann/json.hpp>

#include "schema/keys.h"

namespace sriov::schema {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kPciPattern = "([0-9a-fA-F]{1,4}:)?[0-9a-fA-F]{1,2}:[01]?[0-9a-fA-F]\\.[0-7]";
// Printable ASCII but space, '/' and ':'; at most 15 bytes; not "." and no "..".
constexpr const char* kIfnamePattern = "(?!\\.$)(?!.*\\.\\.)[!-.0-9;-~]{1,15}";

Json formatted(Json schema, Format format) {
  switch (format) {
    case Format::none:
    case Format::anyText:
      break;
    case Format::pciAddress:
      schema["pattern"] = std::string("^") + kPciPattern + "$";
      break;
    case Format::pciId:
      schema["pattern"] = "^(0[xX])?[0-9a-fA-F]{4}:(0[xX])?[0-9a-fA-F]{4}$";
      break;
    case Format::macAddress:
      // Unicast (even first octet) and not all zero.
      schema["pattern"] = "^[0-9a-fA-F][02468aceACE](:[0-9a-fA-F]{2}){5}$";
      schema["not"] = {{"type", "string"}, {"pattern", "^00(:00){5}$"}};
      break;
    case Format::ifname:
      schema["pattern"] = std::string("^") + kIfnamePattern + "$";
      schema["maxLength"] = 15;
      break;
    case Format::pfRef:
      schema["pattern"] = std::string("^(") + kIfnamePattern + "|" + kPciPattern + ")$";
      break;
    case Format::objectName:
      schema["pattern"] = "^[^/]+$";
      break;
    case Format::driverName:
      schema["pattern"] = "^[A-Za-z0-9_-]+$";
      break;
  }
  return schema;
}

Json ref(const ObjectDef& def) {
  return {{"$ref", "#/$defs/" + std::string(def.id)}};
}

Json valueSchema(const KeyDef& k) {
  Json s;
  switch (k.kind) {
    case ValueKind::string:
      // Free text: the loader reads any scalar as text (host: 12345 is the hostname "12345").
      if (k.format == Format::none) {
        s = {{"anyOf", {{{"type", "string"}}, {{"type", "integer"}}, {{"type", "boolean"}}}}};
      } else {
        s = formatted({{"type", "string"}}, k.format);
      }
      break;
    case ValueKind::integer:
      s = {{"type", "integer"}, {"minimum", k.min}, {"maximum", k.max}};
      break;
    case ValueKind::boolean:
      s = {{"type", "boolean"}};
      break;
    case ValueKind::enumeration: {
      Json values = Json::array();
      for (std::string_view v : k.values) values.push_back(std::string(v));
      s = {{"type", "string"}, {"enum", values}};
      break;
    }
    case ValueKind::object:
      s = ref(*k.object);
      break;
    case ValueKind::array: {
      Json item = k.item.kind == ValueKind::object ? ref(*k.item.object)
                  : k.item.kind == ValueKind::integer
                      ? Json{{"type", "integer"}, {"minimum", k.item.min}, {"maximum", k.item.max}}
                      : formatted({{"type", "string"}}, k.item.format);
      s = {{"type", "array"}, {"items", item}};
      break;
    }
    case ValueKind::vlan:
      s = {{"oneOf",
            {{{"type", "integer"}, {"minimum", k.min}, {"maximum", k.max}}, ref(*k.object)}}};
      break;
    case ValueKind::vfIndex:
      s = {{"oneOf",
            {{{"type", "integer"}, {"minimum", k.min}, {"maximum", k.max}},
             {{"type", "string"}, {"pattern", "^[0-9]+-[0-9]+$"}}}}};
      break;
  }
  Json out = {{"description", std::string(k.description)}};
  out.update(s);
  if (!k.defaultJson.empty()) out["default"] = Json::parse(k.defaultJson);
  return out;
}

Json objectSchema(const ObjectDef& def) {
  Json properties = Json::object();
  Json required = Json::array();
  for (const KeyDef& k : def.keys) {
    properties[std::string(k.name)] = valueSchema(k);
    if (k.required == Required::yes) required.push_back(std::string(k.name));
  }
  Json s = {{"type", "object"},
            {"description", std::string(def.description)},
            {"properties", properties},
            {"additionalProperties", false}};
  if (!required.empty()) s["required"] = required;
  for (const ChoiceDef& c : def.choices) {
    Json alternatives = Json::array();
    // Ajv's strict mode wants each required key among the same schema's properties.
    for (std::string_view key : c.keys) {
      alternatives.push_back(
          {{"required", {std::string(key)}}, {"properties", {{std::string(key), true}}}});
    }
    s[c.kind == ChoiceDef::Kind::oneOf ? "oneOf" : "anyOf"] = alternatives;
  }
  if (!def.rulesJson.empty()) s["allOf"] = Json::parse(def.rulesJson);
  return s;
}

}  // namespace

std::string jsonSchemaText(const ObjectDef& root, std::span<const ObjectDef* const> objects,
                           std::string_view id, std::string_view title) {
  Json doc = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
              {"$id", std::string(id)},
              {"title", std::string(title)}};
  doc.update(objectSchema(root));
  Json defs = Json::object();
  for (const ObjectDef* def : objects)
    if (def != &root) defs[std::string(def->id)] = objectSchema(*def);
  doc["$defs"] = defs;
  return doc.dump(2) + "\n";
}

std::string jsonSchemaText() {
  return jsonSchemaText(specRoot(), allObjects(),
                        "https://sriov-apply.org/schema/v1/sriov-apply.schema.json",
                        "sriov-apply spec (host.yaml), apiVersion sriov-apply/v1");
}

}  // namespace sriov::schema
