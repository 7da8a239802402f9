// Saved plans as a pipeline uses them: `plan SPEC --out FILE` in the merge request, `apply FILE`
// on merge; applied as reviewed, refused (exit 4, nothing changed) when the host, the spec, the
// host name, the tool's format or the plan's actions are no longer the ones reviewed.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/unit/json_schema_check.h"
#include "tests/unit/test_helpers.h"

namespace fs = std::filesystem;
using sriov::test::readText;
using sriov::test::writeText;

namespace {

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// A folder with a copy of the lab host (s.yaml) and the two-PF spec (host.yaml); commands run in
// it.
class Pipeline {
 public:
  Pipeline() {
    std::string t = (fs::temp_directory_path() / "sriov-saved-plan.XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    dir_ = t;
    fs::copy_file(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml", path("s.yaml"));
    fs::copy_file(std::string(SRIOV_SOURCE_DIR) + "/examples/two-pfs.yaml", path("host.yaml"));
  }
  ~Pipeline() { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  sriov::test::CommandRun run(const std::string& args) const {
    return sriov::test::runCommand("cd " + dir_.string() + " && NO_COLOR=1 " +
                                   sriov::test::binaryUnderTest() + " " + args + " 2>&1");
  }

 private:
  fs::path dir_;
};

}  // namespace

TEST_CASE("a saved plan applies as reviewed, and then plans nothing") {
  Pipeline p;
  auto planned = p.run("plan host.yaml --state s.yaml --out plan.json");
  REQUIRE(planned.code == 0);
  CHECK(planned.out.find("saved the plan to plan.json") != std::string::npos);
  std::string before = readText(p.path("s.yaml"));
  nlohmann::json saved = nlohmann::json::parse(readText(p.path("plan.json")));
  CHECK(saved["kind"] == "SavedPlan");
  CHECK(saved["host"] == "lab-01");
  CHECK(saved["spec"]["path"] == "host.yaml");
  CHECK(saved["plan"]["actions"].size() == 12);
  // The plan inside is a plan document as `plan --output json` prints it.
  nlohmann::json planSchema =
      nlohmann::json::parse(readText(std::string(SRIOV_SOURCE_DIR) + "/schema/plan.schema.json"));
  CHECK(sriov::test::schemaViolations(planSchema, saved["plan"]).empty());
  nlohmann::json savedSchema = nlohmann::json::parse(
      readText(std::string(SRIOV_SOURCE_DIR) + "/schema/saved-plan.schema.json"));
  CHECK(sriov::test::schemaViolations(savedSchema, saved).empty());
  nlohmann::json stateSchema =
      nlohmann::json::parse(readText(std::string(SRIOV_SOURCE_DIR) + "/schema/state.schema.json"));
  CHECK(sriov::test::schemaViolations(stateSchema, saved["facts"]).empty());
  CHECK(readText(p.path("s.yaml")) == before);  // planning changed nothing

  auto applied = p.run("apply plan.json --state s.yaml --detailed-exitcode");
  CHECK(applied.code == 2);
  CHECK(applied.out.find("Applied 12 actions") != std::string::npos);
  CHECK(p.run("plan host.yaml --state s.yaml --detailed-exitcode").code == 0);
}

TEST_CASE("a saved plan is refused when the host changed since the plan, saying what changed") {
  Pipeline p;
  REQUIRE(p.run("plan host.yaml --state s.yaml --out plan.json").code == 0);
  // Between the review and the merge, someone changes the host by hand.
  writeText(p.path("other.yaml"),
            "apiVersion: sriov-apply/v1\npfs:\n  - name: enp3s0f0\n"
            "    numVfs: 1\n");
  REQUIRE(p.run("apply other.yaml --state s.yaml").code == 0);
  std::string moved = readText(p.path("s.yaml"));
  auto refused = p.run("apply plan.json --state s.yaml");
  CHECK(refused.code == 4);
  CHECK(refused.out.find("the host changed since the plan was made") != std::string::npos);
  CHECK(refused.out.find("pf 0000:03:00.0: numVfs 1, was 2") != std::string::npos);
  CHECK(readText(p.path("s.yaml")) == moved);
  // JSON: one document, a refused apply result.
  auto json = sriov::test::runCommand("cd " + p.path("") + " && " + sriov::test::binaryUnderTest() +
                                      " apply plan.json --state s.yaml --output json 2>/dev/null");
  CHECK(json.code == 4);
  nlohmann::json doc = nlohmann::json::parse(json.out);
  CHECK(doc["status"] == "refused");
}

TEST_CASE("a saved plan is refused when its spec, host, format or actions are not the reviewed") {
  Pipeline p;
  REQUIRE(p.run("plan host.yaml --state s.yaml --out plan.json").code == 0);
  const std::string plan = readText(p.path("plan.json"));
  const std::string state = readText(p.path("s.yaml"));
  SUBCASE("the spec changed after the plan") {
    writeText(p.path("host.yaml"), readText(p.path("host.yaml")) + "# edited\n");
    auto r = p.run("apply plan.json --state s.yaml");
    CHECK(r.code == 4);
    CHECK(r.out.find("the spec host.yaml changed since the plan was made") != std::string::npos);
  }
  SUBCASE("another host") {
    writeText(p.path("s.yaml"), replaced(state, "hostname: lab-01", "hostname: lab-02"));
    auto r = p.run("apply plan.json --state s.yaml");
    CHECK(r.code == 4);
    CHECK(r.out.find("this plan was made on host 'lab-01', this is 'lab-02'") != std::string::npos);
  }
  SUBCASE("another saved-plan format") {
    writeText(p.path("plan.json"), replaced(plan, "\"format\": 1", "\"format\": 2"));
    auto r = p.run("apply plan.json --state s.yaml");
    CHECK(r.code == 4);
    CHECK(r.out.find("saved-plan format 2") != std::string::npos);
  }
  SUBCASE("edited actions") {
    writeText(p.path("plan.json"), replaced(plan, "\"to\": \"4\"", "\"to\": \"7\""));
    auto r = p.run("apply plan.json --state s.yaml");
    CHECK(r.code == 4);
    CHECK(r.out.find("gave other actions than the saved plan's") != std::string::npos);
  }
  SUBCASE("edited facts") {
    writeText(p.path("plan.json"), replaced(plan, "\"numVfs\": 2", "\"numVfs\": 3"));
    auto r = p.run("apply plan.json --state s.yaml");
    CHECK(r.code != 0);
    CHECK(r.out.find("plan.json") != std::string::npos);
  }
  // Nothing was changed by any of them.
  CHECK(readText(p.path("s.yaml")).find("numVfs: 2") != std::string::npos);
}

TEST_CASE("plan --out: a refused plan is not saved, and a planted link is replaced, not followed") {
  Pipeline p;
  writeText(p.path("target"), "precious\n");
  fs::create_symlink(p.path("target"), p.path("plan.json"));
  REQUIRE(p.run("plan host.yaml --state s.yaml --out plan.json").code == 0);
  CHECK(readText(p.path("target")) == "precious\n");
  CHECK_FALSE(fs::is_symlink(p.path("plan.json")));
  writeText(p.path("big.yaml"),
            "apiVersion: sriov-apply/v1\npfs:\n  - name: enp3s0f0\n"
            "    numVfs: 999\n");
  auto refused = p.run("plan big.yaml --state s.yaml --out big.json");
  CHECK(refused.code == 4);
  CHECK_FALSE(fs::exists(p.path("big.json")));
}
