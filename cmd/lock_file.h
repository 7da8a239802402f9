// One apply per host at a time: an flock(2) on a lock file, waited for with a timeout, naming
// the holder (its pid is written in the file) when the wait gives up.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "reconcile/result.h"

namespace sriov::cmd {

class LockFile {
 public:
  // Takes the lock, waiting up to timeout; the error names the path and the holder's pid. When
  // the lock is held, waiting(holder pid, or "") is called once before the wait; the wait ends
  // early with an error when *stop becomes true (Ctrl-C).
  static Result<LockFile> acquire(const std::string& path, std::chrono::milliseconds timeout,
                                  const std::atomic<bool>* stop = nullptr,
                                  const std::function<void(const std::string&)>& waiting = {});
  LockFile(LockFile&& other) noexcept;
  LockFile& operator=(LockFile&&) = delete;
  ~LockFile();  // releases the lock (the file stays)

 private:
  explicit LockFile(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace sriov::cmd
