// The drift metrics: `plan --metrics-file` writes what a monitoring system alerts on, a
// successful apply records its time, and a later check keeps that time.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "cmd/metrics_file.h"
#include "tests/unit/test_helpers.h"

namespace fs = std::filesystem;

TEST_CASE("metricsText: drift, refusal, pending actions by level, times") {
  sriov::reconcile::Plan plan;
  plan.actions.resize(3);
  plan.actions[0].disruption = sriov::reconcile::Disruption::recreate;
  plan.actions[1].disruption = sriov::reconcile::Disruption::recreate;
  plan.actions[2].disruption = sriov::reconcile::Disruption::none;
  std::string text = sriov::cmd::metricsText(plan, 1700000000, 1600000000);
  CHECK(text.find("\nsriov_apply_drift 1\n") != std::string::npos);
  CHECK(text.find("\nsriov_apply_refused 0\n") != std::string::npos);
  CHECK(text.find("sriov_apply_pending_actions{disruption=\"recreate\"} 2\n") != std::string::npos);
  CHECK(text.find("sriov_apply_pending_actions{disruption=\"none\"} 1\n") != std::string::npos);
  CHECK(text.find("sriov_apply_pending_actions{disruption=\"detach\"} 0\n") != std::string::npos);
  CHECK(text.find("sriov_apply_last_check_timestamp_seconds 1700000000\n") != std::string::npos);
  CHECK(text.find("sriov_apply_last_apply_success_timestamp_seconds 1600000000\n") !=
        std::string::npos);
  CHECK(sriov::cmd::metricsText({}, 1, 0).find("\nsriov_apply_drift 0\n") != std::string::npos);
}

TEST_CASE("plan and apply --metrics-file on the simulated host") {
  std::string t = (fs::temp_directory_path() / "sriov-metrics.XXXXXX").string();
  REQUIRE(::mkdtemp(t.data()) != nullptr);
  const std::string dir = t;
  fs::copy_file(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml", dir + "/s.yaml");
  auto run = [&](const std::string& args) {
    return sriov::test::runCommand("cd " + dir + " && " + sriov::test::binaryUnderTest() + " " +
                                   args + " " + SRIOV_SOURCE_DIR +
                                   "/examples/two-pfs.yaml --state s.yaml --metrics-file m.prom "
                                   ">/dev/null 2>&1");
  };
  CHECK(run("plan --detailed-exitcode").code == 2);
  std::string drift = sriov::test::readText(dir + "/m.prom");
  CHECK(drift.find("\nsriov_apply_drift 1\n") != std::string::npos);
  CHECK(drift.find("sriov_apply_last_apply_success_timestamp_seconds 0\n") != std::string::npos);
  CHECK(run("apply").code == 0);
  CHECK(run("plan --detailed-exitcode").code == 0);
  std::string after = sriov::test::readText(dir + "/m.prom");
  CHECK(after.find("\nsriov_apply_drift 0\n") != std::string::npos);
  CHECK(after.find("sriov_apply_last_apply_success_timestamp_seconds 0\n") == std::string::npos);
  // A metrics folder that does not exist is an error, not a folder made in its place.
  auto missing = sriov::test::runCommand("cd " + dir + " && " + sriov::test::binaryUnderTest() +
                                         " plan " + SRIOV_SOURCE_DIR +
                                         "/examples/two-pfs.yaml --state s.yaml --metrics-file "
                                         "no/such/m.prom 2>&1");
  CHECK(missing.code == 1);
  CHECK(missing.out.find("no/such/m.prom") != std::string::npos);
  fs::remove_all(dir);
}
