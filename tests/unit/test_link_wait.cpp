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

// Runs setVfWaitingForLink with a set that always fails with error, on a PF with link; counts
// the sets; any sleep fails the test.
struct NoRetry {
  int calls = 0;
  Result<void> run(const VfChange& change, const Error& error, PfLink link) {
    return setVfWaitingForLink(
        change, "enp1s0",
        [&] {
          ++calls;
          return Result<void>(error);
        },
        [link] { return Result<PfLink>(link); }, LinkWait{}, [](milliseconds) { FAIL("slept"); });
  }
};

TEST_CASE("EINVAL with carrier, other errors and changes without a rate are not retried") {
  NoRetry once;
  SUBCASE("carrier is there: the rate itself is refused (e.g. above the link speed)") {
    Result<void> r = once.run(
        rate(5000), Error{"cannot set tx rate of VF 0 of enp1s0: Invalid", EINVAL}, {true, true});
    CHECK(!r);
    CHECK(r.error().message == "cannot set tx rate of VF 0 of enp1s0: Invalid");
  }
  SUBCASE("another errno") {
    Result<void> r = once.run(
        rate(100), Error{"cannot set tx rate: Operation not supported", EOPNOTSUPP}, {true, false});
    CHECK(r.error().code == EOPNOTSUPP);
  }
  SUBCASE("no rate in the change: EINVAL is about something else") {
    VfChange change;
    change.vlan = 5000;
    Result<void> r = once.run(change, Error{"cannot set VLAN: Invalid", EINVAL}, {true, false});
    CHECK(r.error().message == "cannot set VLAN: Invalid");
  }
  CHECK(once.calls == 1);
}

}  // namespace
}  // namespace sriov::reconcile
