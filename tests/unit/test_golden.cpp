// Golden plans: each folder of tests/golden holds spec.yaml, optionally state.yaml (default:
// tests/golden/lab-persisted.state.yaml: the lab host with its persistence rules written) and args
// (plan options, e.g. --force), and the expected plan.txt and plan.json, compared byte for byte.
// SRIOV_UPDATE_GOLDEN=1 rewrites the expected files.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "cmd/plan_command.h"
#include "reconcile/simulated/simulated_host.h"
#include "tests/unit/json_schema_check.h"
#include "tests/unit/test_helpers.h"

namespace fs = std::filesystem;
namespace rc = sriov::reconcile;

namespace {

struct Output {
  std::string text;
  std::string json;
  std::string err;
  int code = -1;
};

sriov::cmd::ApplyOptions optionsFor(const fs::path& dir) {
  sriov::cmd::ApplyOptions o;
  o.spec = "spec.yaml";
  o.color = sriov::cmd::Color::never;
  fs::path args = dir / "args";
  if (!fs::exists(args)) return o;
  std::istringstream in(sriov::test::readText(args.string()));
  std::string word;
  while (in >> word) {
    if (word == "--force")
      o.force = true;
    else if (word == "--max-disruption")
      in >> o.maxDisruption;
    else
      FAIL("unknown word in " << args.string() << ": " << word);
  }
  return o;
}

Output runCase(const fs::path& dir) {
  fs::path state = fs::exists(dir / "state.yaml") ? dir / "state.yaml"
                                                  : fs::path(SRIOV_SOURCE_DIR) / "tests" /
                                                        "golden" / "lab-persisted.state.yaml";
  Output out;
  fs::path cwd = fs::current_path();
  fs::current_path(dir);
  for (sriov::cmd::OutputFormat format :
       {sriov::cmd::OutputFormat::text, sriov::cmd::OutputFormat::json}) {
    sriov::Result<rc::SimulatedHost> host = rc::SimulatedHost::load(state.string());
    REQUIRE_MESSAGE(host.ok(), host.error().message);
    sriov::cmd::ApplyOptions options = optionsFor(dir);
    options.output = format;
    std::ostringstream o, e;
    out.code = sriov::cmd::runPlan(options, *host, o, e);
    (format == sriov::cmd::OutputFormat::text ? out.text : out.json) = o.str();
    out.err += e.str();
    // A plan never changes the host.
    CHECK(host->mutationCount() == 0);
  }
  fs::current_path(cwd);
  return out;
}

}  // namespace

TEST_CASE("golden plans") {
  fs::path root = fs::path(SRIOV_SOURCE_DIR) / "tests" / "golden";
  std::vector<fs::path> cases;
  for (const fs::directory_entry& e : fs::directory_iterator(root))
    if (e.is_directory()) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  CHECK(cases.size() >= 25);
  for (const fs::path& dir : cases) {
    CAPTURE(dir.filename().string());
    Output out = runCase(dir);
    // Golden specs are valid; validation warnings (printed by the text and the JSON run) are
    // expected in stderr.txt.
    fs::path warnings = dir / "stderr.txt";
    std::string text = out.text + "(exit " + std::to_string(out.code) + ")\n";
    if (sriov::test::updateGolden()) {
      sriov::test::writeText((dir / "plan.txt").string(), text);
      sriov::test::writeText((dir / "plan.json").string(), out.json);
      if (!out.err.empty()) sriov::test::writeText(warnings.string(), out.err);
      continue;
    }
    CHECK(out.err == (fs::exists(warnings) ? sriov::test::readText(warnings.string()) : ""));
    CHECK(out.err.find("error:") == std::string::npos);
    CHECK(sriov::test::readText((dir / "plan.txt").string()) == text);
    CHECK(sriov::test::readText((dir / "plan.json").string()) == out.json);
  }
}

TEST_CASE("every golden plan.json conforms to schema/plan.schema.json") {
  nlohmann::json schema = nlohmann::json::parse(
      sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/schema/plan.schema.json"));
  fs::path root = fs::path(SRIOV_SOURCE_DIR) / "tests" / "golden";
  size_t checked = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(root)) {
    if (!e.is_directory()) continue;
    CAPTURE(e.path().filename().string());
    nlohmann::json plan =
        nlohmann::json::parse(sriov::test::readText((e.path() / "plan.json").string()));
    CHECK(sriov::test::kindViolations(plan) == std::vector<std::string>{});
    ++checked;
  }
  CHECK(checked >= 25);
  // The checker itself catches what it must.
  nlohmann::json broken = nlohmann::json::parse(R"({"apiVersion": "sriov-apply/v1", "kind": "Plan",
    "changes": "yes", "refused": false, "highestDisruption": "total", "summary": {"actions": 0,
    "disruptive": 0}, "preflight": [], "actions": [{"id": 0}], "extra": 1})");
  std::vector<std::string> problems = sriov::test::schemaViolations(schema, broken);
  CHECK(problems.size() == 11);
}
