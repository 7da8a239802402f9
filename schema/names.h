// Checks for names that reach sysfs paths or libvirt, and "did you mean" suggestions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sriov::schema {

// Why name is not a valid Linux interface name (dev_valid_name in net/core/dev.c, plus ".."
// anywhere, since names are joined into sysfs paths), or nullopt when it is valid.
std::optional<std::string> ifnameProblem(std::string_view name);
// A kernel driver name: letters, digits, '_', '-' (it becomes /sys/bus/pci/drivers/NAME).
std::optional<std::string> driverNameProblem(std::string_view name);
// A libvirt object name: not empty, no '/'.
std::optional<std::string> objectNameProblem(std::string_view name);

// Levenshtein distance, case-sensitive.
size_t editDistance(std::string_view a, std::string_view b);
// The candidate closest to word when it is close enough to be a likely typo (distance at most
// 2, or 1 for words of up to 3 letters, or equal ignoring case), else nullopt.
std::optional<std::string_view> closest(std::string_view word,
                                        std::span<const std::string_view> candidates);

}  // namespace sriov::schema
