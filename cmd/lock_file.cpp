// flock-based lock file with a bounded wait.
#include "cmd/lock_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "reconcile/host/atomic_file.h"

namespace sriov::cmd {

namespace {

// The pid the holder wrote into the lock file, or "".
std::string holderOf(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
  return holder;
}

}  // namespace

Result<LockFile> LockFile::acquire(const std::string& path, std::chrono::milliseconds timeout,
                                   const std::atomic<bool>* stop,
                                   const std::function<void(const std::string&)>& waiting) {
  // O_NOFOLLOW: a link planted at the lock's path is refused, not followed (it would let anyone
  // who can write the folder make root create or empty the link's target).
  reconcile::RegularFile file = reconcile::openRegularNoFollow(path, O_RDWR | O_CREAT, 0644);
  if (file.error != 0)
    return Error{
        "cannot open lock file " + path + ": " +
            (file.error == ELOOP ? std::string("it is a symbolic link; remove it "
                                               "(sriov-apply creates a regular file there)")
                                 : std::string(std::strerror(file.error))),
        file.error};
  if (file.notRegular)
    return Error{"cannot use lock file " + path + ": it is not a regular file; remove it", EINVAL};
  int fd = file.fd;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::now() + timeout;
  bool announced = false;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int err = errno;
      ::close(fd);
      return Error{"cannot lock " + path + ": " + std::strerror(err), err};
    }
    if (waiting && !announced) waiting(holderOf(fd));
    announced = true;
    if (stop && stop->load()) {
      ::close(fd);
      return Error{"interrupted while waiting for the lock on " + path + "; nothing was changed",
                   EINTR};
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string holder = holderOf(fd);
      ::close(fd);
      double seconds = std::chrono::duration<double>(timeout).count();
      char waited[32];
      std::snprintf(waited, sizeof waited, "%g s", seconds);
      return Error{"another sriov-apply" + (holder.empty() ? "" : " (pid " + holder + ")") +
                       " holds " + path + "; gave up after " + waited + " (--lock-timeout)",
                   EWOULDBLOCK};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The lock holds without the pid; only the message of a waiting run is poorer.
  }
  return LockFile(fd);
}

LockFile::LockFile(LockFile&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

LockFile::~LockFile() {
  if (fd_ < 0) return;
  // No stale pid for the next waiter to blame: the holder's pid is only there while it holds.
  if (::ftruncate(fd_, 0) != 0) {
  }
  ::close(fd_);
}

}  // namespace sriov::cmd
