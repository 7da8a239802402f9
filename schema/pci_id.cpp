// PCI vendor:device identities, normalised.
#include "schema/pci_id.h"

#include <cctype>

namespace sriov::schema {
namespace {

// Four hex digits (after an optional 0x), lower-cased; empty when not.
std::string hex16(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.size() != 4) return {};
  std::string out;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::optional<std::string> normalisePciId(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string vendor = hex16(text.substr(0, colon));
  std::string device = hex16(text.substr(colon + 1));
  if (vendor.empty() || device.empty()) return std::nullopt;
  return vendor + ":" + device;
}

std::string pciIdFromSysfs(std::string_view vendor, std::string_view device) {
  std::string v = hex16(vendor);
  std::string d = hex16(device);
  return v.empty() || d.empty() ? std::string() : v + ":" + d;
}

}  // namespace sriov::schema
