// Planner properties over every golden case: dependency order, determinism, purity.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "cmd/plan_output.h"
#include "reconcile/planner.h"
#include "reconcile/state_file.h"
#include "schema/loader.h"
#include "tests/unit/test_helpers.h"

namespace fs = std::filesystem;
namespace rc = sriov::reconcile;

namespace {

struct Case {
  std::string name;
  sriov::schema::Spec spec;
  rc::ObservedState state;
};

std::vector<Case> goldenCases() {
  fs::path root = fs::path(SRIOV_SOURCE_DIR) / "tests" / "golden";
  std::vector<Case> out;
  for (const fs::directory_entry& e : fs::directory_iterator(root)) {
    if (!e.is_directory()) continue;
    fs::path state = fs::exists(e.path() / "state.yaml") ? e.path() / "state.yaml"
                                                         : root / "lab-persisted.state.yaml";
    sriov::schema::LoadResult spec = sriov::schema::loadSpecFile((e.path() / "spec.yaml").string());
    sriov::Result<rc::ObservedState> observed = rc::loadStateFile(state.string());
    REQUIRE(observed.ok());
    out.push_back({e.path().filename().string(), spec.spec, *observed});
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return out;
}

std::string render(const rc::Plan& p) {
  return sriov::cmd::planText(p, "host.yaml", sriov::cmd::Colors::off) +
         sriov::cmd::planJson(p).dump();
}

}  // namespace

TEST_CASE("the action array is a valid execution order and ids are 1..N") {
  for (const Case& c : goldenCases()) {
    CAPTURE(c.name);
    rc::Plan p = rc::plan(c.spec, c.state, {});
    for (size_t i = 0; i < p.actions.size(); ++i) {
      const rc::Action& a = p.actions[i];
      CHECK(a.id == static_cast<int>(i + 1));
      CHECK(std::is_sorted(a.after.begin(), a.after.end()));
      for (int dep : a.after) CHECK(dep < a.id);
    }
  }
}

TEST_CASE("the same inputs give the same plan, whatever order the host listed things in") {
  for (const Case& c : goldenCases()) {
    CAPTURE(c.name);
    std::string first = render(rc::plan(c.spec, c.state, {}));
    CHECK(render(rc::plan(c.spec, c.state, {})) == first);
    rc::ObservedState shuffled = c.state;
    std::reverse(shuffled.pfs.begin(), shuffled.pfs.end());
    std::reverse(shuffled.networks.begin(), shuffled.networks.end());
    std::reverse(shuffled.domains.begin(), shuffled.domains.end());
    rc::sortState(shuffled);
    CHECK(render(rc::plan(c.spec, shuffled, {})) == first);
  }
}

TEST_CASE("the VF count of a PF that has VFs goes to 0 before the new count, never directly") {
  for (const Case& c : goldenCases()) {
    CAPTURE(c.name);
    rc::Plan p = rc::plan(c.spec, c.state, {});
    for (const rc::Action& a : p.actions) {
      if (a.kind != rc::ActionKind::setNumVfs || a.count == 0) continue;
      const rc::ObservedPf* pf = c.state.findPf(a.pfPci);
      REQUIRE(pf);
      if (pf->numVfs == 0) continue;
      auto zero = std::find_if(p.actions.begin(), p.actions.end(), [&](const rc::Action& z) {
        return z.kind == rc::ActionKind::setNumVfs && z.pfPci == a.pfPci && z.count == 0;
      });
      REQUIRE(zero != p.actions.end());
      CHECK(std::find(a.after.begin(), a.after.end(), zero->id) != a.after.end());
    }
  }
}

TEST_CASE("stable MACs are unicast, in the KVM prefix, and depend on host, guest and slot") {
  std::string mac = rc::stableMac("lab-01", "web1", "net0");
  CHECK(mac.rfind("52:54:00:", 0) == 0);
  CHECK(mac == rc::stableMac("lab-01", "web1", "net0"));
  CHECK(mac != rc::stableMac("lab-02", "web1", "net0"));
  CHECK(mac != rc::stableMac("lab-01", "web2", "net0"));
  CHECK(mac != rc::stableMac("lab-01", "web1", "net1"));
}
