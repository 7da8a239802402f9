// Reads a spec or state file once, refusing folders and anything beyond the size limit.
#include "schema/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sriov::schema {

std::string bytesText(size_t bytes) {
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0)
    return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

Result<std::string> readInputFile(const std::string& path, size_t maxBytes,
                                  const std::string& label) {
  bool standardInput = path == "-";
  int fd = standardInput ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  auto failure = [&](const std::string& why, int err) {
    if (fd >= 0 && !standardInput) ::close(fd);
    return Error{"cannot read " + label + ": " + why, err};
  };
  if (fd < 0) return failure(std::strerror(errno), errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return failure(std::strerror(errno), errno);
  if (S_ISDIR(st.st_mode))
    return failure("it is a folder; give a file, or - for standard input", EISDIR);
  std::string tooLarge = "it is larger than the limit of " + bytesText(maxBytes);
  if (S_ISREG(st.st_mode) && static_cast<unsigned long long>(st.st_size) > maxBytes)
    return failure(tooLarge + " (" + std::to_string(st.st_size) + " bytes)", EFBIG);
  // One read loop, whatever the file is: a pipe or /dev/stdin can be read only once, and a
  // device such as /dev/zero never ends, so at most maxBytes + 1 bytes are read.
  // Read straight into the string: a regular file's size plus one byte (to see it grew), else
  // 64 KiB more at a time.
  std::string text;
  size_t used = 0;
  size_t chunk = S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) + 1 : 65536;
  while (used <= maxBytes) {
    if (text.size() == used)
      text.resize(std::min(used + std::max<size_t>(chunk, 65536), maxBytes + 1));
    ssize_t n = ::read(fd, text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failure(std::strerror(errno), errno);
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  text.resize(used);
  if (text.size() > maxBytes) return failure(tooLarge, EFBIG);
  if (!standardInput) ::close(fd);
  return text;
}

}  // namespace sriov::schema
