// Small file primitives for sysfs trees (read a file, a link's target, a folder's entries),
// shared by the sysfs reader and writer. errno becomes "cannot read PATH: strerror(errno)".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/result.h"

namespace sriov::reconcile::sysfs {

// Whether a missing file or folder is an error or just absent.
enum class Missing { isError, isAbsent };

Error readError(const std::string& path, int err);

// The whole content of a (small) file, or nullopt when it is absent and that is allowed.
Result<std::optional<std::string>> readFile(const std::string& path, Missing missing);
std::string trim(std::string_view text);
// The trimmed content of a file that must exist.
Result<std::string> readString(const std::string& path);
// A number as sysfs writes it: decimal ("7") or, with base 16, hex with or without "0x".
Result<unsigned> parseNumber(const std::string& path, const std::string& text, int base);
Result<unsigned> readNumber(const std::string& path, int base = 10);
// Each of the next four also comes relative to an open folder (dirfd, as openat takes it), with
// the path messages show: many reads under one folder reached through links (a PF's VFs under
// class/net/IFNAME/device) then resolve those links once.
// The basename of a symlink's target, or nullopt when the link does not exist.
Result<std::optional<std::string>> readLinkBasename(const std::string& path);
Result<std::optional<std::string>> readLinkBasename(int dirfd, const std::string& relative,
                                                    const std::string& shown);
// The sorted entry names of a folder ("." and ".." left out), or nullopt when it is absent.
Result<std::optional<std::vector<std::string>>> listDir(const std::string& path, Missing missing);
Result<std::optional<std::vector<std::string>>> listDir(int dirfd, const std::string& relative,
                                                        Missing missing, const std::string& shown);
bool exists(const std::string& path);
// The first netdev in a device folder's net/ subfolder; empty when there is none.
Result<std::string> netdevOf(const std::string& deviceDir);
Result<std::string> netdevOf(int dirfd, const std::string& relative, const std::string& shown);
// The driver a device folder is bound to; empty when none.
Result<std::string> driverOf(const std::string& deviceDir);
Result<std::string> driverOf(int dirfd, const std::string& relative, const std::string& shown);
// The index N of a "virtfnN" entry, or nullopt for any other name.
std::optional<unsigned> virtfnIndex(const std::string& name);

}  // namespace sriov::reconcile::sysfs
