// Validity of interface, driver and libvirt object names; edit distance for suggestions.
#include "schema/names.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace sriov::schema {

std::optional<std::string> ifnameProblem(std::string_view name) {
  if (name.empty()) return "an interface name must not be empty";
  if (name.size() > 15) {
    return "an interface name has at most 15 bytes, this one has " + std::to_string(name.size());
  }
  if (name == "." || name == ".." || name.find("..") != std::string_view::npos)
    return "an interface name must not contain '..'";
  for (char c : name) {
    if (c == '/') return "an interface name must not contain '/'";
    if (c == ':') return "an interface name must not contain ':'";
    if (std::isspace(static_cast<unsigned char>(c)))
      return "an interface name must not contain whitespace";
    if (!std::isprint(static_cast<unsigned char>(c)))
      return "an interface name must not contain control characters";
  }
  return std::nullopt;
}

std::optional<std::string> driverNameProblem(std::string_view name) {
  if (name.empty()) return "a driver name must not be empty";
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
      return "a driver name has only letters, digits, '_' and '-'";
  }
  return std::nullopt;
}

std::optional<std::string> objectNameProblem(std::string_view name) {
  if (name.empty()) return "a name must not be empty";
  if (name.find('/') != std::string_view::npos) return "a name must not contain '/'";
  return std::nullopt;
}

size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

namespace {
bool equalIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

std::optional<std::string_view> closest(std::string_view word,
                                        std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best;
  size_t bestDistance = 0;
  for (std::string_view candidate : candidates) {
    size_t d = equalIgnoringCase(word, candidate) ? 0 : editDistance(word, candidate);
    if (!best || d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  size_t limit = word.size() <= 3 ? 1 : 2;
  if (best && bestDistance <= limit) return best;
  return std::nullopt;
}

}  // namespace sriov::schema
