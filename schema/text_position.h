// Positions in YAML text as a person counts them: a line ends at LF, CRLF or a lone CR (yaml-cpp
// only knows LF and CRLF), and a column counts characters (UTF-8 code points), not bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sriov::schema {

// text with every CRLF and lone CR turned into LF, as YAML 1.2 normalises line breaks (5.4); the
// parsers read this, so lines are counted as a person counts them.
std::string normaliseLineBreaks(std::string_view text);
// The same, in place when there is nothing to change (most texts: no copy).
std::string normaliseLineBreaks(std::string&& text);

// Turns the byte columns yaml-cpp reports into character columns, for one (normalised) text
// (libyaml's marks count characters already: yaml_tree.h).
class TextColumns {
 public:
  explicit TextColumns(std::string_view normalisedText);
  // The 1-based character column of the 1-based byte column on the 1-based line; a position
  // outside the text is returned as it is.
  int characterColumn(int line, int byteColumn) const;

 private:
  std::string_view text_;
  mutable std::vector<size_t> lineStarts_;  // found on the first call
};

}  // namespace sriov::schema
