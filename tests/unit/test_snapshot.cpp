// The snapshots before each apply: a private folder, one file per apply (two in one second
// too), the newest kSnapshotsKept kept.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cmd/snapshot.h"
#include "tests/unit/lab_state.h"

TEST_CASE("snapshots: one per apply, private, the newest 30 kept") {
  std::string base = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
                     "/sriov-snapshot-XXXXXX";
  REQUIRE(::mkdtemp(base.data()) != nullptr);
  std::string dir = base + "/snapshots";
  sriov::reconcile::ObservedState state = sriov::testing::labState();
  std::vector<std::string> written;
  for (size_t i = 0; i < sriov::cmd::kSnapshotsKept + 5; ++i) {
    sriov::Result<std::string> path = sriov::cmd::saveSnapshot(dir, state);
    REQUIRE(path);
    written.push_back(*path);
  }
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++files;
  }
  CHECK(files == sriov::cmd::kSnapshotsKept);
  for (size_t i = 0; i < written.size(); ++i) {
    INFO(written[i]);
    CHECK(std::filesystem::exists(written[i]) == (i >= 5));  // the oldest five are gone
  }
  struct stat st {};
  REQUIRE(::stat(dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  std::filesystem::remove_all(base);
}
