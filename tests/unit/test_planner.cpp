// The planner against the lab-01 host: ordering and safety rules, one by one.
#include <doctest/doctest.h>

#include "cmd/plan_output.h"
#include "reconcile/planner.h"
#include "schema/loader.h"
#include "tests/unit/lab_state.h"
#include "tests/unit/test_helpers.h"

namespace rc = sriov::reconcile;

namespace {

rc::Plan planFor(const std::string& specBody, const rc::ObservedState& state,
                 rc::PlanOptions options = {}) {
  sriov::schema::LoadResult r =
      sriov::schema::loadSpec("apiVersion: sriov-apply/v1\n" + specBody, "host.yaml");
  REQUIRE_MESSAGE(!r.diagnostics.hasErrors(), sriov::test::diagnosticsOf(r).front());
  return rc::plan(r.spec, state, options);
}

std::string text(const rc::Plan& p) {
  return sriov::cmd::planText(p, "host.yaml", sriov::cmd::Colors::off);
}

}  // namespace

TEST_CASE("scratch") {
  rc::ObservedState lab = sriov::testing::labState();
  MESSAGE(text(planFor(R"(pfs:
  - name: enp3s0f0
    numVfs: 4
  - name: enp4s0f0
    numVfs: 4
    vfs:
      - index: 1
        mac: "02:00:00:00:10:01"
        vlan: 100
        trust: true
        maxTxRate: 1000
networks:
  - name: passthrough
    pf: enp3s0f0
guests:
  - name: web1
    interfaces:
      - vf: {pf: enp4s0f0, index: 0}
        mac: "52:54:00:a1:00:01"
        vlan: 100
  - name: db1
    interfaces:
      - network: passthrough
        mac: "52:54:00:b2:00:01"
)", lab)));
}
