// Saving the snapshot before an apply, and keeping only the newest ones.
#include "cmd/snapshot.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <vector>

#include "reconcile/host/atomic_file.h"
#include "reconcile/state_file.h"

namespace sriov::cmd {
namespace {

// Removes the oldest before-*.state.yaml files (by name: the names start with the UTC time)
// beyond kSnapshotsKept. Best effort: a snapshot that cannot be removed stays.
void pruneSnapshots(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("before-", 0) == 0 && name.size() > 11 &&
        name.compare(name.size() - 11, 11, ".state.yaml") == 0 && e.is_regular_file(ec))
      names.push_back(name);
  }
  if (names.size() <= kSnapshotsKept) return;
  std::sort(names.begin(), names.end());
  for (size_t i = 0; i + kSnapshotsKept < names.size(); ++i)
    std::filesystem::remove(dir + "/" + names[i], ec);
}

}  // namespace

Result<std::string> saveSnapshot(const std::string& dir, const reconcile::ObservedState& state) {
  // The snapshot holds the host's owned files: a folder of ours, 0700, never through a link.
  ::mkdir(dir.c_str(), 0700);
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0)
    return Error{"cannot create the snapshot folder " + dir + ": " + std::strerror(errno), errno};
  if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode))
    return Error{"cannot use the snapshot folder " + dir + ": it is " +
                     (S_ISLNK(st.st_mode) ? "a symbolic link" : "not a folder") +
                     "; remove it or give another --snapshot-dir",
                 ENOTDIR};
  if (st.st_uid != ::geteuid() || (st.st_mode & 077) != 0)
    return Error{"cannot use the snapshot folder " + dir +
                     ": it must belong to this user and be private (chmod 700)",
                 EPERM};
  // UTC to the nanosecond: two applies in one second (a boot's two phases) get two files, and
  // the names sort by time.
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", std::gmtime(&now.tv_sec));
  char nanos[16];
  std::snprintf(nanos, sizeof nanos, ".%09ldZ", static_cast<long>(now.tv_nsec));
  std::string path = dir + "/before-" + stamp + nanos + ".state.yaml";
  Result<void> written = reconcile::writeFileAtomically(path, reconcile::toStateYaml(state));
  if (!written)
    return Error{"cannot save the snapshot of the host before applying: " +
                 written.error().message};
  pruneSnapshots(dir);
  return path;
}

}  // namespace sriov::cmd
