// setVfWaitingForLink: a VF tx rate refused while the PF's link comes back is retried once the
// PF has carrier (igb after enabling VFs), and only then.
#include <doctest/doctest.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <vector>

#include "reconcile/host/link_wait.h"

namespace sriov::reconcile {
namespace {

using std::chrono::milliseconds;

// A PF like igb: a rate set fails with EINVAL until the link is up; the carrier comes back
// after `carrierAfter` looks at the link. Counts what happened.
struct FakePf {
  bool adminUp = true;
  int carrierAfter = 0;  // link() calls until carrier; -1: never
  int looks = 0;
  int sets = 0;
  milliseconds slept{0};

  bool carrier() const { return adminUp && carrierAfter >= 0 && looks > carrierAfter; }
  Result<void> set() {
    ++sets;
    if (carrier()) return {};
    return Error{"cannot set tx rate of VF 0 of enp1s0: Invalid input data or parameter", EINVAL};
  }
  Result<PfLink> link() {
    ++looks;
    return PfLink{adminUp, carrier()};
  }
  Result<void> run(const VfChange& change, LinkWait wait = {}) {
    return setVfWaitingForLink(
        change, "enp1s0", [this] { return set(); }, [this] { return link(); }, wait,
        [this](milliseconds d) { slept += d; });
  }
};

VfChange rate(uint32_t max) {
  VfChange change;
  change.maxTxRate = max;
  return change;
}

TEST_CASE("a rate refused while the PF has no carrier is set again once it has") {
  FakePf pf;
  pf.carrierAfter = 12;  // 1.2 s at 100 ms, like an 82576 after its VFs are enabled
  Result<void> r = pf.run(rate(100));
  CHECK(r);
  CHECK(pf.sets == 2);
  CHECK(pf.slept == milliseconds(1200));
}

TEST_CASE("without carrier within the timeout, the error says why") {
  FakePf pf;
  pf.carrierAfter = -1;
  Result<void> r = pf.run(rate(100), LinkWait{milliseconds(2000), milliseconds(100)});
  REQUIRE(!r);
  CHECK(r.error().code == EINVAL);
  CHECK(r.error().message ==
        "cannot set tx rate of VF 0 of enp1s0: Invalid input data or parameter (enp1s0 has had "
        "no link for 2 s; the driver refuses a VF tx rate without link)");
  CHECK(pf.sets == 1);
  CHECK(pf.slept == milliseconds(2000));
}

TEST_CASE("a PF that is down is not waited for") {
  FakePf pf;
  pf.adminUp = false;
  Result<void> r = pf.run(rate(100));
  REQUIRE(!r);
  CHECK(r.error().message ==
        "cannot set tx rate of VF 0 of enp1s0: Invalid input data or parameter (enp1s0 is "
        "down; the driver refuses a VF tx rate without link: set it up)");
  CHECK(pf.sets == 1);
  CHECK(pf.slept == milliseconds(0));
}

TEST_CASE("EINVAL with carrier, other errors and changes without a rate are not retried") {
  SUBCASE("carrier is there: the rate itself is refused (e.g. above the link speed)") {
    FakePf pf;
    int calls = 0;
    Result<void> r = setVfWaitingForLink(
        rate(5000), "enp1s0",
        [&] {
          ++calls;
          return Result<void>(Error{"cannot set tx rate of VF 0 of enp1s0: Invalid", EINVAL});
        },
        [] { return Result<PfLink>(PfLink{true, true}); }, LinkWait{},
        [](milliseconds) { FAIL("slept"); });
    CHECK(!r);
    CHECK(calls == 1);
    CHECK(r.error().message == "cannot set tx rate of VF 0 of enp1s0: Invalid");
  }
  SUBCASE("another errno") {
    int calls = 0;
    Result<void> r = setVfWaitingForLink(
        rate(100), "enp1s0",
        [&] {
          ++calls;
          return Result<void>(Error{"cannot set tx rate: Operation not supported", EOPNOTSUPP});
        },
        [] { return Result<PfLink>(PfLink{true, false}); }, LinkWait{},
        [](milliseconds) { FAIL("slept"); });
    CHECK(calls == 1);
    CHECK(r.error().code == EOPNOTSUPP);
  }
  SUBCASE("no rate in the change: EINVAL is about something else") {
    VfChange change;
    change.vlan = 5000;
    int calls = 0;
    Result<void> r = setVfWaitingForLink(
        change, "enp1s0",
        [&] {
          ++calls;
          return Result<void>(Error{"cannot set VLAN: Invalid", EINVAL});
        },
        [] { return Result<PfLink>(PfLink{true, false}); }, LinkWait{},
        [](milliseconds) { FAIL("slept"); });
    CHECK(calls == 1);
    CHECK(!r);
  }
}

}  // namespace
}  // namespace sriov::reconcile
