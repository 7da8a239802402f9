// PCI vendor:device identities ("8086:10c9", as lspci -n prints them), normalised, and compared
// with sysfs's "0x8086" form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sriov::schema {

// "8086:10c9" (four hex digits each, either case; an optional "0x" before each half) in its
// normalised lower-case form, or nullopt when text is not one.
std::optional<std::string> normalisePciId(std::string_view text);

// The normalised identity of sysfs's two files (vendor "0x8086", device "0x10c9"); empty when
// either is not a 16-bit hex number.
std::string pciIdFromSysfs(std::string_view vendor, std::string_view device);

}  // namespace sriov::schema
