// The canonical-layout YAML reader: one pass over the text, one line at a time, straight into
// the tree; every byte is checked against the layout, so what it accepts libyaml reads the same.
#include "schema/canonical_yaml.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

namespace sriov::schema {
namespace {

// A plain scalar's characters (the layout's, a subset of YAML's): no indicator, no space.
bool plainChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '/' || c == '+' || c == '-';
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The length of the UTF-8 character at s (n bytes left) when libyaml's reader takes it and it is
// no line break or byte order mark to libyaml (U+0085, U+2028, U+2029, U+FEFF), else 0. One byte:
// tab or printable ASCII.
size_t literalCharLength(const unsigned char* s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80) return c == '\t' || (c >= 0x20 && c < 0x7f) ? 1 : 0;
  size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (length == 0 || c >= 0xF8 || n < length) return 0;
  uint32_t value = c & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    value = (value << 6) | (s[i] & 0x3F);
  }
  static constexpr uint32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kShortest[length] || value > 0x10FFFF) return 0;
  bool printable = (value >= 0xA0 && value <= 0xD7FF) || (value >= 0xE000 && value <= 0xFFFD) ||
                   value >= 0x10000;
  if (!printable || value == 0x2028 || value == 0x2029 || value == 0xFEFF) return 0;
  return length;
}

// How many of the 8 bytes at s are printable ASCII (0x20-0x7e) before the first that is not, 8
// when all are. One word at a time: a byte below 0x20 borrows, one above 0x7e carries into its
// high bit; a borrow or carry across bytes only marks bytes after the first such byte.
size_t printableAsciiPrefix(const char* s) {
  if constexpr (std::endian::native != std::endian::little) {
    size_t n = 0;
    while (n < 8 && static_cast<unsigned char>(s[n]) >= 0x20 &&
           static_cast<unsigned char>(s[n]) < 0x7f)
      ++n;
    return n;
  } else {
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHighs = 0x8080808080808080ULL;
    uint64_t x;
    std::memcpy(&x, s, sizeof x);
    uint64_t outside = (((x - kOnes * 0x20) & ~x) | (x + kOnes) | x) & kHighs;
    return outside == 0 ? 8 : static_cast<size_t>(std::countr_zero(outside)) / 8;
  }
}

class Reader {
 public:
  Reader(std::string_view text, const YamlLimits& limits, YamlTree& tree)
      : p_(text.data()),
        end_(text.data() + text.size()),
        lineStart_(p_),
        limits_(limits),
        tree_(tree) {}

  bool document() {
    if (!seekContent() || atEnd_) return false;
    return blockNode(-1) && atEnd_ && tree_.complete();
  }

 private:
  // ---- lines ----
  // From the start of a line: past blank lines to the next line with content, p_ at its first
  // character and indent_ its column (0-based); atEnd_ at the end of the text.
  bool seekContent() {
    while (true) {
      const char* q = p_;
      while (q < end_ && *q == ' ') ++q;
      if (q == end_) {
        p_ = q;
        atEnd_ = true;
        return true;
      }
      if (*q != '\n') {
        if (*q == '\t' || *q == '\r' || *q == '#') return false;
        // A document marker ("---", "...") at a line's start.
        if (q == p_ && end_ - q >= 3 && (q[0] == '-' || q[0] == '.') && q[1] == q[0] &&
            q[2] == q[0])
          return false;
        p_ = q;
        indent_ = static_cast<int>(q - lineStart_);
        return true;
      }
      newLine(q + 1);
    }
  }
  // After a line's last token: trailing spaces, then the line's end.
  bool endLine() {
    while (p_ < end_ && *p_ == ' ') ++p_;
    if (p_ == end_) return true;
    if (*p_ != '\n') return false;
    newLine(p_ + 1);
    return true;
  }
  void newLine(const char* start) {
    p_ = start;
    lineStart_ = start;
    ++line_;
  }
  Position here() const { return {line_, static_cast<int>(p_ - lineStart_) + 1}; }
  bool at(char c, size_t offset = 0) const {
    return static_cast<size_t>(end_ - p_) > offset && p_[offset] == c;
  }
  // A space, a line's end or the text's end at p_ + offset.
  bool blankAt(size_t offset) const {
    return static_cast<size_t>(end_ - p_) <= offset || p_[offset] == ' ' || p_[offset] == '\n';
  }
  bool dashEntry() const { return at('-') && blankAt(1); }

  // ---- the budget (yaml_budget.cpp's arithmetic, without aliases) ----
  bool count(size_t bytes) {
    ++nodes_;
    bytes_ += bytes;
    return nodes_ <= limits_.maxNodes && bytes_ <= limits_.maxScalarBytes;
  }
  bool open(YamlKind kind, Position position) {
    if (!count(0) || ++depth_ > limits_.maxDepth) return false;
    return tree_.open(kind, position, {}, {});
  }
  bool close() {
    --depth_;
    return tree_.close();
  }
  bool scalar(Position position, std::string value, bool plain) {
    return count(value.size()) && tree_.scalar(position, std::move(value), plain, {}, {});
  }

  // ---- nodes ----
  // A block collection starting at p_ on a line indented deeper than parent.
  bool blockNode(int parent) {
    if (indent_ <= parent) return false;
    return dashEntry() ? sequence(indent_) : map(indent_);
  }

  // What follows a collection's entry: the next entry at column, or the end of the collection
  // (a line indented less, or the text's end).
  enum class Next { entry, end, broken };
  Next after(int column) const {
    if (atEnd_ || indent_ < column) return Next::end;
    return indent_ == column ? Next::entry : Next::broken;
  }

  bool sequence(int column) {
    if (!open(YamlKind::sequence, here())) return false;
    while (true) {
      if (!dashEntry()) return false;
      ++p_;
      while (at(' ')) ++p_;
      if (p_ == end_ || *p_ == '\n') {
        // "- " alone: the item is the block on the lines after, indented deeper.
        if (!endLine() || !seekContent() || atEnd_ || !blockNode(column)) return false;
      } else if (dashEntry()) {
        return false;  // "- - x"
      } else if (keyAhead()) {
        if (!map(static_cast<int>(p_ - lineStart_))) return false;
      } else if (!value() || !endLine() || !seekContent()) {
        return false;
      }
      Next next = after(column);
      if (next == Next::end) return close();
      if (next == Next::broken) return false;
    }
  }

  // Whether the line at p_ starts with a key: a plain or double-quoted scalar, then ':' and a
  // space or the line's end.
  bool keyAhead() const {
    const char* q = p_;
    if (q < end_ && *q == '"') {
      for (++q; q < end_ && *q != '"' && *q != '\n'; ++q) {
        if (*q == '\\') ++q;
      }
      if (q >= end_ || *q != '"') return false;
      ++q;
    } else {
      while (q < end_ && plainChar(static_cast<unsigned char>(*q))) ++q;
    }
    return q < end_ && *q == ':' && (q + 1 == end_ || q[1] == ' ' || q[1] == '\n');
  }

  bool map(int column) {
    if (!open(YamlKind::map, here())) return false;
    while (true) {
      // libyaml takes a simple key of up to 1024 characters.
      const char* keyStart = p_;
      Position keyAt = here();
      std::string key;
      bool plainKey = true;
      if (!scalarText(key, plainKey)) return false;
      if (p_ - keyStart > 1000 || !at(':') || !blankAt(1)) return false;
      if (!scalar(keyAt, std::move(key), plainKey)) return false;
      ++p_;
      while (at(' ')) ++p_;
      if (p_ == end_ || *p_ == '\n') {
        if (!endLine() || !seekContent() || atEnd_ || !blockNode(column)) return false;
      } else if (at('|')) {
        if (!literal(column)) return false;
      } else if (!value() || !endLine() || !seekContent()) {
        return false;
      }
      Next next = after(column);
      if (next == Next::end) return close();
      if (next == Next::broken) return false;
    }
  }

  // A plain or double-quoted scalar's text at p_; isPlain says which.
  bool scalarText(std::string& text, bool& isPlain) {
    isPlain = !at('"');
    return isPlain ? plain(text) : doubleQuoted(text);
  }

  // A value: a flow collection, or a scalar ending where a block line may go on (a space, the
  // line's end) or, in a flow collection, where an entry ends (',', ']', '}').
  bool value(bool inFlow = false) {
    if (at('[') || at('{')) return flow();
    Position position = here();
    std::string text;
    bool isPlain = true;
    if (!scalarText(text, isPlain)) return false;
    bool ends = blankAt(0) || (inFlow && (at(',') || at(']') || at('}')));
    return ends && scalar(position, std::move(text), isPlain);
  }

  // A flow collection on one line: "[a, b]", "{k: v, k: [x]}" (", " or "," between entries,
  // ": " after a key), of plain and double-quoted scalars and flow collections.
  bool flow() {
    const bool isSequence = at('[');
    const char closing = isSequence ? ']' : '}';
    if (!open(isSequence ? YamlKind::sequence : YamlKind::map, here())) return false;
    ++p_;
    while (at(' ')) ++p_;
    if (at(closing)) {
      ++p_;
      return close();
    }
    while (true) {
      if (!isSequence) {
        Position keyAt = here();
        std::string key;
        bool plainKey = true;
        if (!scalarText(key, plainKey)) return false;
        if (!at(':') || !at(' ', 1) || !scalar(keyAt, std::move(key), plainKey)) return false;
        p_ += 2;
        while (at(' ')) ++p_;
      }
      if (!value(true)) return false;
      while (at(' ')) ++p_;
      if (at(closing)) {
        ++p_;
        return close();
      }
      if (!at(',')) return false;  // a ':' here would make a single-pair map of the item
      ++p_;
      while (at(' ')) ++p_;
      if (at(closing) || at(',')) return false;
    }
  }

  bool plain(std::string& value) {
    const char* start = p_;
    if (p_ == end_ || !plainChar(static_cast<unsigned char>(*p_))) return false;
    // "-" starts a plain scalar only before another of its characters.
    if (*p_ == '-' && !(end_ - p_ > 1 && plainChar(static_cast<unsigned char>(p_[1]))))
      return false;
    while (p_ < end_ && plainChar(static_cast<unsigned char>(*p_))) ++p_;
    value.assign(start, p_);
    return true;
  }

  bool doubleQuoted(std::string& value) {
    ++p_;
    while (true) {
      if (p_ == end_) return false;
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20 || c >= 0x7f) return false;
      if (c != '\\') {
        const char* start = p_;
        while (p_ < end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20 &&
               static_cast<unsigned char>(*p_) < 0x7f) {
          ++p_;
        }
        value.append(start, p_);
        continue;
      }
      if (end_ - p_ < 2) return false;
      char e = p_[1];
      p_ += 2;
      switch (e) {
        case '"':
        case '\\':
          value += e;
          break;
        case 'n':
          value += '\n';
          break;
        case 't':
          value += '\t';
          break;
        case 'r':
          value += '\r';
          break;
        case 'x': {
          if (end_ - p_ < 2) return false;
          int high = hexDigit(p_[0]);
          int low = hexDigit(p_[1]);
          if (high < 0 || low < 0 || high >= 8) return false;
          value += static_cast<char>(high * 16 + low);
          p_ += 2;
          break;
        }
        default:
          return false;
      }
    }
  }

  // A literal block scalar after the key of a mapping at column: "|", "|-" or "|+", then its
  // lines, indented as its first line is (deeper than column); p_ at the next line with content.
  bool literal(int column) {
    Position position = here();
    ++p_;
    char chomp = at('-') || at('+') ? *p_++ : ' ';
    if (!at('\n') && !at(' ')) return false;
    if (!endLine() || p_ == end_) return false;
    // The first line gives the indentation; a blank one would let libyaml look further.
    const char* q = p_;
    while (q < end_ && *q == ' ') ++q;
    if (q == end_ || *q == '\n' || *q == '\t') return false;
    const size_t indent = static_cast<size_t>(q - p_);
    if (static_cast<int>(indent) <= column) return false;

    std::string value;
    size_t breaks = 0;  // line breaks since the last content line's text
    bool content = false;
    while (p_ < end_) {
      size_t spaces = 0;
      while (spaces < indent && p_ + spaces < end_ && p_[spaces] == ' ') ++spaces;
      const char* rest = p_ + spaces;
      if (rest == end_) {
        p_ = rest;
        break;
      }
      if (*rest == '\n') {  // an empty line
        ++breaks;
        newLine(rest + 1);
        continue;
      }
      if (spaces < indent) {
        if (*rest == '\t') return false;  // libyaml: a tab where indentation is expected
        break;                            // the block ends: this line is the next entry's
      }
      if (content) value.append(breaks, '\n');
      breaks = 0;
      content = true;
      const char* s = rest;
      while (s < end_ && *s != '\n') {
        if (end_ - s >= 8) {  // most of a domain's XML: printable ASCII, 8 bytes at a time
          size_t clean = printableAsciiPrefix(s);
          s += clean;
          if (clean == 8 || *s == '\n') continue;
        }
        unsigned char c = static_cast<unsigned char>(*s);
        if ((c >= 0x20 && c < 0x7f) || c == '\t') {
          ++s;
          continue;
        }
        size_t length = literalCharLength(reinterpret_cast<const unsigned char*>(s),
                                          static_cast<size_t>(end_ - s));
        if (length == 0) return false;
        s += length;
      }
      value.append(rest, s);
      if (s == end_) {
        p_ = s;
        break;
      }
      ++breaks;
      newLine(s + 1);
    }
    // Chomping: strip drops the final line break, clip keeps it, keep keeps every one.
    if (chomp == ' ' && breaks > 0) value += '\n';
    if (chomp == '+') value.append(breaks, '\n');
    value.shrink_to_fit();  // the tree keeps it: a large block (a domain's XML) at its size
    if (!scalar(position, std::move(value), false)) return false;
    // p_ is at a line's start (or the end): the next line with content.
    return seekContent();
  }

  const char* p_;
  const char* end_;
  const char* lineStart_;
  int line_ = 1;
  int indent_ = 0;
  bool atEnd_ = false;
  size_t depth_ = 0;
  size_t nodes_ = 0;
  size_t bytes_ = 0;
  const YamlLimits& limits_;
  YamlTree& tree_;
};

}  // namespace

bool readCanonicalYaml(std::string_view text, const YamlLimits& limits, YamlTree& tree) {
  // A node for every 24 bytes or so (a state file has one for every 60, a spec one for every
  // 12): most texts need no regrowth of the tree, and the untouched part of the reservation
  // costs no memory.
  tree.reserve(std::min(text.size() / 24 + 16, limits.maxNodes + 1));
  return Reader(text, limits, tree).document();
}

}  // namespace sriov::schema
