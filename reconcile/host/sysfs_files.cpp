// Reads small sysfs files, symlink targets and folder listings, turning errno into Error values.
#include "reconcile/host/sysfs_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <utility>

namespace sriov::reconcile::sysfs {

Error readError(const std::string& path, int err) {
  return Error{"cannot read " + path + ": " + std::strerror(err), err};
}

Result<std::optional<std::string>> readFile(const std::string& path, Missing missing) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT && missing == Missing::isAbsent) return std::optional<std::string>();
    return readError(path, err);
  }
  std::string content;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return readError(path, err);
    }
    if (n == 0) break;
    content.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(content));
}

std::string trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\n");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\n");
  return std::string(text.substr(begin, end - begin + 1));
}

Result<std::string> readString(const std::string& path) {
  Result<std::optional<std::string>> content = readFile(path, Missing::isError);
  if (!content) return content.error();
  return trim(**content);
}

Result<unsigned> parseNumber(const std::string& path, const std::string& text, int base) {
  std::string_view digits = text;
  if (base == 16 && digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
    digits.remove_prefix(2);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
    return Error{"cannot parse " + path + ": expected a number, got \"" + text + "\"", EINVAL};
  return value;
}

Result<unsigned> readNumber(const std::string& path, int base) {
  Result<std::string> text = readString(path);
  if (!text) return text.error();
  return parseNumber(path, *text, base);
}

Result<std::optional<std::string>> readLinkBasename(const std::string& path) {
  return readLinkBasename(AT_FDCWD, path, path);
}

Result<std::optional<std::string>> readLinkBasename(int dirfd, const std::string& relative,
                                                    const std::string& shown) {
  char buf[PATH_MAX];
  ssize_t n = ::readlinkat(dirfd, relative.c_str(), buf, sizeof buf - 1);
  if (n < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return readError(shown, errno);
  }
  std::string_view target(buf, static_cast<size_t>(n));
  size_t slash = target.rfind('/');
  if (slash != std::string_view::npos) target.remove_prefix(slash + 1);
  return std::optional<std::string>(std::string(target));
}

Result<std::optional<std::vector<std::string>>> listDir(const std::string& path, Missing missing) {
  return listDir(AT_FDCWD, path, missing, path);
}

Result<std::optional<std::vector<std::string>>> listDir(int dirfd, const std::string& relative,
                                                        Missing missing, const std::string& shown) {
  int fd = ::openat(dirfd, relative.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* dir = fd < 0 ? nullptr : ::fdopendir(fd);
  if (!dir) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    if (err == ENOENT && missing == Missing::isAbsent)
      return std::optional<std::vector<std::string>>();
    return readError(shown, err);
  }
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return readError(shown, err);
  std::sort(names.begin(), names.end());
  return std::optional<std::vector<std::string>>(std::move(names));
}

bool exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

Result<std::string> netdevOf(const std::string& deviceDir) {
  return netdevOf(AT_FDCWD, deviceDir, deviceDir);
}

Result<std::string> netdevOf(int dirfd, const std::string& relative, const std::string& shown) {
  Result<std::optional<std::vector<std::string>>> names =
      listDir(dirfd, relative + "/net", Missing::isAbsent, shown + "/net");
  if (!names) return names.error();
  if (!*names || (*names)->empty()) return std::string();
  return (*names)->front();
}

Result<std::string> driverOf(const std::string& deviceDir) {
  return driverOf(AT_FDCWD, deviceDir, deviceDir);
}

Result<std::string> driverOf(int dirfd, const std::string& relative, const std::string& shown) {
  Result<std::optional<std::string>> driver =
      readLinkBasename(dirfd, relative + "/driver", shown + "/driver");
  if (!driver) return driver.error();
  return driver->value_or("");
}

std::optional<unsigned> virtfnIndex(const std::string& name) {
  constexpr std::string_view prefix = "virtfn";
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0)
    return std::nullopt;
  unsigned index = 0;
  const char* begin = name.data() + prefix.size();
  const char* end = name.data() + name.size();
  auto [ptr, ec] = std::from_chars(begin, end, index);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return index;
}

}  // namespace sriov::reconcile::sysfs
