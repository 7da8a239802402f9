// One apply per host at a time: an flock(2) on a lock file, waited for with a timeout, naming
// the holder (its pid is written in the file) when the wait gives up.
#pragma once

#include <chrono>
#include <string>

#include "reconcile/result.h"

namespace sriov::cmd {

class LockFile {
 public:
  // Takes the lock, waiting up to timeout; the error names the path and the holder's pid.
  static Result<LockFile> acquire(const std::string& path, std::chrono::milliseconds timeout);
  LockFile(LockFile&& other) noexcept;
  LockFile& operator=(LockFile&&) = delete;
  ~LockFile();  // releases the lock (the file stays)

 private:
  explicit LockFile(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace sriov::cmd
