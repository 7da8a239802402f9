// MAC address normalisation and classification.
#include "schema/mac_address.h"

#include <cctype>

namespace sriov::schema {

std::optional<std::string> normaliseMac(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  std::string out(text);
  for (size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (i % 3 == 2) {
      if (c != ':') return std::nullopt;
    } else {
      if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
      out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

bool isMulticastMac(std::string_view mac) {
  if (mac.size() < 2) return false;
  unsigned first = static_cast<unsigned>(std::stoul(std::string(mac.substr(0, 2)), nullptr, 16));
  return (first & 1u) != 0;
}

bool isZeroMac(std::string_view mac) {
  return mac == "00:00:00:00:00:00";
}

}  // namespace sriov::schema
