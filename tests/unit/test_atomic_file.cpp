// Tests of writeFileAtomically in a temporary folder: content, mode, no leftovers, failures.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "reconcile/host/atomic_file.h"
#include "tests/unit/sysfs_fixture.h"
#include "tests/unit/test_helpers.h"

namespace sriov::reconcile {
namespace {

namespace fs = std::filesystem;
using testing::SysfsFixture;

unsigned modeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::vector<std::string> entries(const std::string& folder) {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST_CASE("writeFileAtomically") {
  SysfsFixture dir;  // just a temporary folder here
  std::string path = dir.root() + "/rules.d/70-sriov-apply.rules";

  SUBCASE("creates the folder and the file with mode 0644 and leaves no temporary file") {
    ::umask(077);  // the mode is set explicitly, not left to the umask
    Result<void> result = writeFileAtomically(path, "first\n");
    ::umask(022);
    REQUIRE_MESSAGE(result.ok(), result.error().message);
    CHECK(test::readText(path) == "first\n");
    CHECK(modeOf(path) == 0644);
    CHECK(entries(dir.root() + "/rules.d") == std::vector<std::string>{"70-sriov-apply.rules"});
  }
  SUBCASE("replaces a file, also one with another mode") {
    dir.file("rules.d/70-sriov-apply.rules", "old content that is longer\n");
    fs::permissions(path, fs::perms::owner_read);
    Result<void> result = writeFileAtomically(path, "new\n");
    REQUIRE_MESSAGE(result.ok(), result.error().message);
    CHECK(test::readText(path) == "new\n");
    CHECK(modeOf(path) == 0644);
    CHECK(entries(dir.root() + "/rules.d") == std::vector<std::string>{"70-sriov-apply.rules"});
  }
  SUBCASE("a path under a regular file fails, named") {
    dir.file("plain", "x");
    Result<void> result = writeFileAtomically(dir.root() + "/plain/sub/f.rules", "x");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message == "cannot write " + dir.root() +
                                        "/plain/sub/f.rules: cannot create folder " + dir.root() +
                                        "/plain/sub: Not a directory");
    CHECK(result.error().code == ENOTDIR);
  }
  SUBCASE("a folder in the file's place fails at the rename and leaves no temporary file") {
    dir.dir("rules.d/70-sriov-apply.rules/inside");
    Result<void> result = writeFileAtomically(path, "x");
    REQUIRE_FALSE(result.ok());
    std::string message = result.error().message;
    std::string prefix = "cannot write " + path + ": cannot rename " + dir.root() +
                         "/rules.d/.70-sriov-apply.rules.";
    CHECK(message.substr(0, prefix.size()) == prefix);
    std::string suffix = " to " + path + ": Is a directory";
    REQUIRE(message.size() > prefix.size() + suffix.size());
    CHECK(message.substr(message.size() - suffix.size()) == suffix);
    CHECK(entries(dir.root() + "/rules.d") == std::vector<std::string>{"70-sriov-apply.rules"});
  }
}

TEST_CASE("readAtMost: the whole file up to the bound, nothing beyond it") {
  SysfsFixture dir;  // just a temporary folder here
  const std::string path = dir.root() + "/f";
  auto readBack = [&](const std::string& content, size_t max) {
    test::writeText(path, content);
    RegularFile file = openRegularNoFollow(path, O_RDONLY);
    REQUIRE(file.fd >= 0);
    return readAtMost(file.fd, max);
  };
  CHECK(readBack("", 4) == std::string());
  CHECK(readBack("abcd", 4) == std::string("abcd"));
  CHECK_FALSE(readBack("abcde", 4));
  const std::string big(200000, 'x');  // over one read's buffer
  CHECK(readBack(big, big.size()) == big);
  CHECK_FALSE(readBack(big, big.size() - 1));
}

}  // namespace
}  // namespace sriov::reconcile
