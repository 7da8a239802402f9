// The fuzz reproducers (tests/fuzz/corpus/TARGET: what the fuzzers, tests/hostile/run.sh and
// issue 11 found) as regression tests: each is refused with a clear error by the reader its
// fuzz target drives, or (udev rules) cannot add a line or a key to the rules file; and the
// canonical YAML reader's seeds, read as libyaml reads them.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/domain_xml.h"
#include "reconcile/state_file.h"
#include "schema/loader.h"
#include "tests/fuzz/canonical_yaml_property.h"
#include "tests/fuzz/udev_rules_property.h"
#include "tests/unit/test_helpers.h"

namespace {

namespace fs = std::filesystem;

// Every file of tests/fuzz/corpus/target, sorted; at least one.
std::vector<fs::path> reproducers(const std::string& target) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& e :
       fs::directory_iterator(fs::path(SRIOV_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / target))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE_FALSE(files.empty());
  return files;
}

}  // namespace

TEST_CASE("fuzz reproducers: the spec loader refuses each with a positioned error") {
  for (const fs::path& f : reproducers("spec_loader")) {
    CAPTURE(f.filename().string());
    sriov::schema::LoadResult loaded =
        sriov::schema::loadSpec(sriov::test::readText(f.string()), "r.yaml");
    REQUIRE(loaded.diagnostics.hasErrors());
    CHECK(sriov::test::diagnosticsOf(loaded).front().rfind("r.yaml:", 0) == 0);
  }
}

TEST_CASE("fuzz reproducers: the state file loader refuses each with FILE:LINE:COL") {
  for (const fs::path& f : reproducers("state_file")) {
    CAPTURE(f.filename().string());
    auto state = sriov::reconcile::parseStateYaml(sriov::test::readText(f.string()), "r.yaml");
    if (state.ok()) {
      // Domain XML the readers refuse leaves that one domain unreadable, not the file.
      bool unreadable = false;
      for (const sriov::reconcile::ObservedDomain& d : state->domains)
        unreadable = unreadable || !d.unreadable.empty();
      CHECK(unreadable);
      continue;
    }
    CHECK(state.error().message.rfind("r.yaml:", 0) == 0);
  }
}

TEST_CASE("fuzz reproducers: the domain and network XML readers refuse each") {
  for (const fs::path& f : reproducers("domain_xml")) {
    CAPTURE(f.filename().string());
    auto devices = sriov::reconcile::parseGuestDevices(sriov::test::readText(f.string()));
    REQUIRE_FALSE(devices.ok());
    CHECK(devices.error().message.rfind("cannot parse domain XML: ", 0) == 0);
    CHECK(sriov::reconcile::uuidOf(sriov::test::readText(f.string())).empty());
  }
  for (const fs::path& f : reproducers("network_xml")) {
    CAPTURE(f.filename().string());
    auto network = sriov::reconcile::parseNetworkXml(sriov::test::readText(f.string()));
    REQUIRE_FALSE(network.ok());
    CHECK(network.error().message.rfind("cannot parse network XML: ", 0) == 0);
  }
}

TEST_CASE("fuzz reproducers: an observed name cannot add a line or a key to the udev rules") {
  for (const fs::path& f : reproducers("udev_rules")) {
    CAPTURE(f.filename().string());
    std::optional<std::string> problem =
        sriov::fuzz::udevRulesProblem(sriov::test::readText(f.string()));
    CHECK_MESSAGE(!problem, problem.value_or(""));
  }
}

TEST_CASE("fuzz seeds: the canonical YAML reader takes each, as libyaml reads it") {
  // tests/fuzz/corpus/canonical_yaml holds the layout's corners (seeds, not reproducers).
  for (const fs::path& f : reproducers("canonical_yaml")) {
    CAPTURE(f.filename().string());
    sriov::fuzz::CanonicalCheck check =
        sriov::fuzz::checkCanonicalYaml(sriov::test::readText(f.string()));
    CHECK(check.canonical);
    CHECK_FALSE(check.broken);
  }
}
