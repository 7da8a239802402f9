// The confirmation on a terminal: a person running a disruptive apply (stdin and stdout are
// terminals: util-linux `script` gives it one) is shown the plan and asked; only "yes" goes on;
// --yes / --auto-approve skip it; without a terminal (pipelines) nothing is ever asked.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/unit/test_helpers.h"

namespace fs = std::filesystem;

namespace {

struct Host {
  std::string dir;
  Host() {
    std::string t = (fs::temp_directory_path() / "sriov-confirm.XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    dir = t;
    fs::copy_file(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml", dir + "/s.yaml");
  }
  ~Host() { fs::remove_all(dir); }
  bool unchanged() const {
    return sriov::test::readText(dir + "/s.yaml") ==
           sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml");
  }
  // apply on a terminal, answer typed in; the exit code printed at the end.
  sriov::test::CommandRun onTerminal(const std::string& answer, const std::string& extra = "") {
    std::string apply = sriov::test::binaryUnderTest() + " apply " + SRIOV_SOURCE_DIR +
                        "/examples/two-pfs.yaml --state s.yaml --no-color " + extra +
                        "; echo EXIT=$?";
    return sriov::test::runCommand("cd " + dir + " && printf '" + answer +
                                   "' | TERM=xterm script -qec '" + apply + "' /dev/null");
  }
};

}  // namespace

TEST_CASE("apply on a terminal asks before a disruptive plan; only 'yes' goes on") {
  SUBCASE("no") {
    Host h;
    auto r = h.onTerminal("no\\n");
    CHECK(r.out.find("Apply it? Only 'yes' goes on") != std::string::npos);
    CHECK(r.out.find("apply cancelled") != std::string::npos);
    CHECK(r.out.find("EXIT=1") != std::string::npos);
    CHECK(h.unchanged());
  }
  SUBCASE("y is not yes") {
    Host h;
    auto r = h.onTerminal("y\\n");
    CHECK(r.out.find("EXIT=1") != std::string::npos);
    CHECK(h.unchanged());
  }
  SUBCASE("yes") {
    Host h;
    auto r = h.onTerminal("yes\\n");
    CHECK(r.out.find("Apply it?") != std::string::npos);
    CHECK(r.out.find("Applied 12 actions") != std::string::npos);
    CHECK(r.out.find("EXIT=0") != std::string::npos);
    CHECK_FALSE(h.unchanged());
  }
  SUBCASE("--yes and --auto-approve do not ask") {
    for (const char* flag : {"--yes", "--auto-approve"}) {
      Host h;
      auto r = h.onTerminal("", flag);
      CHECK(r.out.find("Apply it?") == std::string::npos);
      CHECK(r.out.find("EXIT=0") != std::string::npos);
    }
  }
}

TEST_CASE("apply without a terminal never asks") {
  Host h;
  auto r = sriov::test::runCommand("cd " + h.dir + " && " + sriov::test::binaryUnderTest() +
                                   " apply " + SRIOV_SOURCE_DIR +
                                   "/examples/two-pfs.yaml --state s.yaml </dev/null 2>&1");
  CHECK(r.code == 0);
  CHECK(r.out.find("Apply it?") == std::string::npos);
  CHECK_FALSE(h.unchanged());
}
