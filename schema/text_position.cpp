// Line breaks normalised to LF and byte columns turned into character columns.
#include "schema/text_position.h"

#include <algorithm>

namespace sriov::schema {

std::string normaliseLineBreaks(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  // Whole runs between CRs: most texts have none, and are one copy.
  for (size_t i = 0; i < text.size();) {
    size_t cr = text.find('\r', i);
    if (cr == std::string_view::npos) cr = text.size();
    out.append(text.data() + i, cr - i);
    if (cr == text.size()) break;
    // CRLF: the LF that follows ends the line; a lone CR is one.
    if (cr + 1 >= text.size() || text[cr + 1] != '\n') out += '\n';
    i = cr + 1;
  }
  return out;
}

std::string normaliseLineBreaks(std::string&& text) {
  if (text.find('\r') == std::string::npos) return std::move(text);
  return normaliseLineBreaks(std::string_view(text));
}

TextColumns::TextColumns(std::string_view normalisedText) : text_(normalisedText) {}

int TextColumns::characterColumn(int line, int byteColumn) const {
  // The lines are found when a position is first asked for: most texts are read without one.
  if (lineStarts_.empty()) {
    lineStarts_.push_back(0);
    for (size_t i = 0; i < text_.size(); ++i)
      if (text_[i] == '\n') lineStarts_.push_back(i + 1);
  }
  if (line < 1 || byteColumn < 1 || static_cast<size_t>(line) > lineStarts_.size())
    return byteColumn;
  const size_t start = lineStarts_[static_cast<size_t>(line) - 1];
  const size_t end = std::min(text_.size(), start + static_cast<size_t>(byteColumn) - 1);
  int characters = 1;
  // Every byte that is not a UTF-8 continuation byte (10xxxxxx) starts a character.
  for (size_t i = start; i < end; ++i)
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++characters;
  return characters;
}

}  // namespace sriov::schema
