// SHA-256 digests (FIPS 180-4) of text: what a saved plan records of its spec and of the host
// facts it was planned from, so a changed spec or host is noticed.
#pragma once

#include <string>
#include <string_view>

namespace sriov::schema {

// The SHA-256 of data as 64 lowercase hex digits.
std::string sha256Hex(std::string_view data);

}  // namespace sriov::schema
