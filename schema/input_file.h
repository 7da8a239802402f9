// Reading a spec or state file once, with a size limit: regular files, "-", pipes and devices.
#pragma once

#include <cstddef>
#include <string>

#include "reconcile/result.h"

namespace sriov::schema {

// The largest spec sriov-apply reads (a host's spec is a few KB; 16 MiB is far beyond any).
inline constexpr size_t kMaxSpecBytes = size_t{16} << 20;
// The largest state file (a host with 1,000 guests of 20 KB domain XML each is about 20 MB).
inline constexpr size_t kMaxStateBytes = size_t{64} << 20;

// The whole content of path, read once (so /dev/stdin and <(...) work); "-" is standard input.
// A folder, or more than maxBytes (e.g. /dev/zero), is an error naming the file and the limit.
// label names the file in messages: "cannot read LABEL: why" (e.g. "the spec").
Result<std::string> readInputFile(const std::string& path, size_t maxBytes,
                                  const std::string& label);

// "16 MiB" for kMaxSpecBytes.
std::string bytesText(size_t bytes);

}  // namespace sriov::schema
