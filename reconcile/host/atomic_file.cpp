// Replaces a file atomically: temporary file in the same folder, fsync, fchmod, rename, fsync.
#include "reconcile/host/atomic_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sriov::reconcile {
namespace {

// The folder of path: "." for "name", "/" for "/name".
std::string folderOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// mkdir -p; 0 or errno (ENOTDIR when a part exists but is not a folder).
int makeFolders(const std::string& folder) {
  struct stat st {};
  if (::stat(folder.c_str(), &st) == 0) return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  if (errno != ENOENT) return errno;
  std::string parent = folderOf(folder);
  if (parent != folder) {
    if (int err = makeFolders(parent); err != 0) return err;
  }
  if (::mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST) return errno;
  return 0;
}

int writeAll(int fd, const std::string& content) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<size_t>(n);
  }
  return 0;
}

}  // namespace

Result<void> writeFileAtomically(const std::string& path, const std::string& content,
                                 Folders folders) {
  std::string folder = folderOf(path);
  auto failure = [&](const std::string& step, int err) {
    return Error{"cannot write " + path + ": " + step + ": " + std::strerror(err), err};
  };

  if (folders == Folders::create) {
    if (int err = makeFolders(folder); err != 0)
      return failure("cannot create folder " + folder, err);
  }

  std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  std::string temp = folder + "/." + name + ".XXXXXX";
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return failure("cannot create a temporary file in " + folder, errno);
  auto discard = [&](const std::string& step, int err) {
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    return failure(step, err);
  };
  if (int err = writeAll(fd, content); err != 0) return discard("cannot write " + temp, err);
  if (::fsync(fd) != 0) return discard("cannot sync " + temp, errno);
  if (::fchmod(fd, 0644) != 0) return discard("cannot set the mode of " + temp, errno);
  int closed = ::close(fd);
  fd = -1;
  if (closed != 0) return discard("cannot write " + temp, errno);
  if (::rename(temp.c_str(), path.c_str()) != 0)
    return discard("cannot rename " + temp + " to " + path, errno);

  // The rename itself is durable only once the folder is.
  int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return failure("cannot open folder " + folder + " to sync it", errno);
  int synced = ::fsync(dir);
  int err = errno;
  ::close(dir);
  if (synced != 0) return failure("cannot sync folder " + folder, err);
  return {};
}

RegularFile openRegularNoFollow(const std::string& path, int flags, unsigned mode) {
  RegularFile file;
  file.fd = ::open(path.c_str(), flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode);
  if (file.fd < 0) {
    file.error = errno;
    return file;
  }
  struct stat st {};
  if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(file.fd);
    file.fd = -1;
    file.notRegular = true;
  }
  return file;
}

std::optional<std::string> readAtMost(int fd, size_t maxBytes) {
  std::string text;
  char buf[65536];
  while (text.size() <= maxBytes) {
    ssize_t n = ::read(fd, buf, std::min(sizeof buf, maxBytes + 1 - text.size()));
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (text.size() > maxBytes) return std::nullopt;
  return text;
}

}  // namespace sriov::reconcile
