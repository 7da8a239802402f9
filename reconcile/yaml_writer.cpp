// A small, deterministic block-style YAML writer for state files and generated specs.
#include "reconcile/yaml_writer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <string_view>

namespace sriov::reconcile {
namespace {

using Json = nlohmann::ordered_json;

bool isPlainSafe(const std::string& text) {
  if (text.empty()) return false;
  unsigned char first = static_cast<unsigned char>(text[0]);
  if (!std::isalpha(first) && first != '_') return false;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '_' && c != '-' && c != '.' && c != '/') return false;
  }
  // Words that YAML 1.1 or 1.2 readers turn into booleans or null.
  static constexpr std::array<std::string_view, 10> kReserved = {
      "true", "false", "yes", "no", "on", "off", "null", "y", "n", "nan"};
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kReserved.begin(), kReserved.end(), lower) == kReserved.end();
}

std::string doubleQuoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", u);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// A literal block scalar reads back exactly when the text has no control characters but
// newline and tab, and does not start with white space (which would need an indentation
// indicator).
bool literalSafe(const std::string& text) {
  if (text.find('\n') == std::string::npos) return false;
  if (text[0] == ' ' || text[0] == '\t' || text[0] == '\n') return false;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

// "|" plus chomping indicator, then each line indented; empty lines stay empty.
void writeLiteral(std::string& out, const std::string& text, size_t indent) {
  size_t end = text.find_last_not_of('\n') + 1;
  size_t trailing = text.size() - end;
  out += trailing == 0 ? "|-\n" : trailing == 1 ? "|\n" : "|+\n";
  std::string_view body(text.data(), end);
  size_t start = 0;
  while (start <= body.size()) {
    size_t newline = body.find('\n', start);
    std::string_view line = body.substr(
        start, newline == std::string_view::npos ? std::string_view::npos : newline - start);
    if (!line.empty()) out.append(indent, ' ').append(line);
    out += '\n';
    if (newline == std::string_view::npos) break;
    start = newline + 1;
  }
  for (size_t i = 1; i < trailing; ++i) out += '\n';
}

std::string scalarText(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string:
      return yamlScalar(value.get<std::string>());
    case Json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case Json::value_t::null:
      return "null";
    case Json::value_t::array:
      return "[]";  // only called for empty ones
    case Json::value_t::object:
      return "{}";  // only called for empty ones
    default:
      return value.dump();  // numbers
  }
}

bool isBlock(const Json& value) {
  return (value.is_array() || value.is_object()) && !value.empty();
}

void writeComments(std::string& out, const Json& comments, size_t indent) {
  if (comments.is_string()) {
    out.append(indent, ' ').append("# ").append(comments.get<std::string>()) += '\n';
    return;
  }
  // (Iterating any other value would yield the value itself, for ever.)
  if (!comments.is_array()) return;
  for (const Json& line : comments) writeComments(out, line, indent);
}

void writeValue(std::string& out, const Json& value, size_t indent);

// The keys of a map, each at column indent; the first one's indentation may already be written
// (after "- ").
void writeMap(std::string& out, const Json& map, size_t indent, bool firstIndented) {
  bool first = true;
  for (const auto& [key, value] : map.items()) {
    bool atItemStart = first && firstIndented;
    first = false;
    if (!key.empty() && key[0] == '#') {
      std::string comments;
      writeComments(comments, value, indent);
      if (atItemStart) comments.erase(0, indent);  // "- # ..." on the dash's line
      out += comments;
      continue;
    }
    if (!atItemStart) out.append(indent, ' ');
    out += yamlScalar(key);
    out += ':';
    if (isBlock(value)) {
      out += '\n';
      writeValue(out, value, indent + 2);
    } else if (value.is_string() && literalSafe(value.get<std::string>())) {
      out += ' ';
      writeLiteral(out, value.get<std::string>(), indent + 2);
    } else {
      out += ' ';
      out += scalarText(value);
      out += '\n';
    }
  }
}

void writeSequence(std::string& out, const Json& list, size_t indent) {
  for (const Json& item : list) {
    out.append(indent, ' ');
    out += "- ";
    if (item.is_object() && !item.empty()) {
      writeMap(out, item, indent + 2, true);
    } else if (item.is_array() && !item.empty()) {
      out += '\n';
      writeSequence(out, item, indent + 2);
    } else {
      out += scalarText(item);
      out += '\n';
    }
  }
}

void writeValue(std::string& out, const Json& value, size_t indent) {
  if (value.is_object()) {
    writeMap(out, value, indent, false);
  } else {
    writeSequence(out, value, indent);
  }
}

}  // namespace

std::string yamlScalar(const std::string& text) {
  return isPlainSafe(text) ? text : doubleQuoted(text);
}

std::string toYaml(const nlohmann::ordered_json& document) {
  std::string out;
  if (isBlock(document)) {
    writeValue(out, document, 0);
  } else {
    out = scalarText(document) + "\n";
  }
  return out;
}

}  // namespace sriov::reconcile
