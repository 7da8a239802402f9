// MAC addresses: parsing, normalising, and the checks a VF or guest MAC must pass.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sriov::schema {

// "52:54:00:6D:90:02" -> "52:54:00:6d:90:02"; nullopt unless six colon-separated hex pairs.
std::optional<std::string> normaliseMac(std::string_view text);

// For a normalised MAC: the group bit of the first octet (multicast, broadcast included).
bool isMulticastMac(std::string_view mac);
bool isZeroMac(std::string_view mac);

}  // namespace sriov::schema
