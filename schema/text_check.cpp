// Decodes UTF-8 strictly (no overlongs, no surrogates) and finds control and invisible
// characters.
#include "schema/text_check.h"

#include <cstdint>
#include <cstdio>

namespace sriov::schema {
namespace {

// The code point at text[i] and its length, or length 0 when the bytes are not valid UTF-8.
std::pair<uint32_t, size_t> decode(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b = byte(i);
  if (b < 0x80) return {b, 1};
  size_t n = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 0;
  if (n == 0 || b > 0xF4 || i + n > text.size()) return {0, 0};
  uint32_t cp = b & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return {0, 0};
  return {cp, n};
}

bool control(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// Characters that print as nothing or as a plain space, or turn the text around: a name with
// one reads as another name ("web\u00A0" as "web"). Spaces other than U+0020, the soft hyphen,
// zero-width and direction marks, bidi embeddings and isolates, invisible operators, the BOM.
bool invisible(uint32_t cp) {
  return cp == 0xA0 || cp == 0xAD || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200F) ||
         (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 ||
         cp == 0xFEFF;
}

std::string codePoint(uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

std::string hex(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02X", b);
  return buf;
}

}  // namespace

std::optional<std::string> textProblem(std::string_view text) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++chars) {
    auto [cp, n] = decode(text, i);
    if (n == 0)
      return "is not valid UTF-8 (byte " + hex(static_cast<unsigned char>(text[i])) +
             " at character " + std::to_string(chars + 1) + ")";
    if (control(cp))
      return "contains a control character (" +
             (cp < 0x100 ? hex(static_cast<unsigned char>(cp)) : std::to_string(cp)) +
             " at character " + std::to_string(chars + 1) + "); names and values must be printable";
    if (invisible(cp))
      return "contains an invisible or direction character (" + codePoint(cp) + " at character " +
             std::to_string(chars + 1) + "); write names with visible characters and plain spaces";
    i += n;
  }
  return std::nullopt;
}

std::string printable(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    auto [cp, n] = decode(text, i);
    if (n == 0 || control(cp)) {
      for (size_t k = 0; k < (n == 0 ? 1 : n); ++k)
        out += hex(static_cast<unsigned char>(text[i + k]));
      i += n == 0 ? 1 : n;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace sriov::schema
