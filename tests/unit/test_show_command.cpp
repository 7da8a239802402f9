// Tests for `sriov-apply show`: each output form, and an observe error.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cmd/show_command.h"
#include "reconcile/as_spec.h"
#include "reconcile/state_file.h"
#include "tests/unit/json_schema_check.h"
#include "tests/unit/lab_state.h"
#include "tests/unit/test_helpers.h"

using sriov::cmd::OutputFormat;
using sriov::cmd::runShow;
using sriov::cmd::ShowOptions;

namespace {

// A HostReader that returns a fixed result and counts observe calls.
class FixedReader : public sriov::reconcile::HostReader {
 public:
  explicit FixedReader(sriov::Result<sriov::reconcile::ObservedState> result)
      : result_(std::move(result)) {}
  sriov::Result<sriov::reconcile::ObservedState> observe() override {
    ++calls;
    return result_;
  }
  int calls = 0;

 private:
  sriov::Result<sriov::reconcile::ObservedState> result_;
};

struct Run {
  int code = 0;
  std::string out;
  std::string err;
};

Run show(const ShowOptions& options, FixedReader& reader) {
  std::ostringstream out, err;
  Run run;
  run.code = runShow(options, reader, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace

TEST_CASE("show prints the observed state") {
  FixedReader reader(sriov::testing::labState());
  ShowOptions options;

  SUBCASE("as a YAML state file by default") {
    Run run = show(options, reader);
    CHECK(run.code == 0);
    CHECK(run.out == sriov::reconcile::toStateYaml(sriov::testing::labState()));
    CHECK(run.err.empty());
    CHECK(reader.calls == 1);
  }
  SUBCASE("as JSON, 2-space indented") {
    options.output = OutputFormat::json;
    Run run = show(options, reader);
    CHECK(run.code == 0);
    CHECK(run.out.rfind("{\n  \"apiVersion\": \"sriov-apply/v1\",\n", 0) == 0);
    CHECK(nlohmann::json::parse(run.out) ==
          sriov::reconcile::toStateJson(sriov::testing::labState()));
    CHECK(sriov::test::kindViolations(nlohmann::json::parse(run.out)) ==
          std::vector<std::string>{});
  }
  SUBCASE("as a spec") {
    options.asSpec = true;
    Run run = show(options, reader);
    CHECK(run.code == 0);
    CHECK(run.out == sriov::reconcile::toSpecYaml(sriov::testing::labState()));
  }
  SUBCASE("as a spec in JSON") {
    options.asSpec = true;
    options.output = OutputFormat::json;
    Run run = show(options, reader);
    CHECK(run.code == 0);
    CHECK(run.out == sriov::reconcile::toSpecJson(sriov::testing::labState()).dump(2) + "\n");
    // A spec has no kind: it is checked against the spec's schema.
    nlohmann::json specSchema = nlohmann::json::parse(
        sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/schema/sriov-apply.schema.json"));
    CHECK(sriov::test::schemaViolations(specSchema, nlohmann::json::parse(run.out)) ==
          std::vector<std::string>{});
  }
}

TEST_CASE("show reports an observe error and exits 1") {
  FixedReader reader(sriov::Error{"cannot connect to qemu:///system: permission denied", 13});
  Run run = show(ShowOptions{}, reader);
  CHECK(run.code == 1);
  CHECK(run.out.empty());
  CHECK(run.err.rfind("sriov-apply: error: cannot connect to qemu:///system: permission denied\n"
                      "sriov-apply: hint: ",
                      0) == 0);
  CHECK(run.err.find("run it as root") != std::string::npos);

  ShowOptions json;
  json.output = OutputFormat::json;
  run = show(json, reader);
  CHECK(run.code == 1);
  nlohmann::json doc = nlohmann::json::parse(run.out);
  CHECK(doc["kind"] == "Error");
  CHECK(sriov::test::kindViolations(doc) == std::vector<std::string>{});
}
