// setVfWaitingForLink: a VF tx rate refused while the PF's link comes back is retried while the
// PF has carrier (igb after enabling VFs), for a bounded time, and only then.
#include <doctest/doctest.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/host/link_wait.h"

namespace sriov::reconcile {
namespace {

using std::chrono::milliseconds;

// A PF like igb: a rate set fails with EINVAL until the driver has its link. The carrier the
// kernel reports comes back after `carrierAfter` looks at the link; the driver has its link
// `lagSets` sets after that (igb's STATUS register behind a stale carrier: -1, never). A PF
// with `staleCarrier` reports carrier for that many looks first, then loses it (the watchdog
// noticing the reset). Counts what happened.
struct FakePf {
  bool adminUp = true;
  int carrierAfter = 0;  // link() calls until carrier; -1: never
  int staleCarrier = 0;  // link() calls that report a carrier the driver does not have yet
  int lagSets = 0;       // sets refused with carrier before the driver takes the rate; -1: all
  std::optional<std::uint32_t> speed = 1000;
  int looks = 0;
  int sets = 0;
  int setsWithCarrier = 0;
  milliseconds slept{0};

  bool carrier() const {
    if (!adminUp) return false;
    if (looks <= staleCarrier) return looks > 0;
    return carrierAfter >= 0 && looks > staleCarrier + carrierAfter;
  }
  Result<void> set() {
    ++sets;
    bool real = carrier() && looks > staleCarrier;
    if (real && lagSets >= 0 && setsWithCarrier++ >= lagSets) return {};
    return Error{"cannot set tx rate of VF 0 of enp1s0: Invalid input data or parameter", EINVAL};
  }
  Result<PfLink> link() {
    ++looks;
    return PfLink{adminUp, carrier(), speed};
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

TEST_CASE("a stale carrier: the rate is tried again until the driver has its link") {
  // At boot (tests/e2e 13): the PF still reports carrier right after its VFs were enabled, the
  // driver refuses the rate, the carrier goes, comes back, and the rate is taken.
  FakePf pf;
  pf.staleCarrier = 3;
  pf.carrierAfter = 10;
  Result<void> r = pf.run(rate(100));
  CHECK(r);
  CHECK(pf.sets == 4);  // the first, 2 with the stale carrier, 1 once it is real
  CHECK(pf.slept == milliseconds(1300));
}

TEST_CASE("with carrier, a refused rate is tried again for the settle time") {
  FakePf pf;
  SUBCASE("the driver takes it after 5 more tries") {
    pf.lagSets = 5;
    CHECK(pf.run(rate(100)));
    CHECK(pf.sets == 7);  // the first (refused: carrier not looked at yet), 5 refused, 1 taken
    CHECK(pf.slept == milliseconds(600));
  }
  SUBCASE("never: the error says how long it had link") {
    pf.lagSets = -1;
    Result<void> r =
        pf.run(rate(100), LinkWait{milliseconds(15000), milliseconds(2000), milliseconds(100)});
    REQUIRE(!r);
    CHECK(r.error().code == EINVAL);
    CHECK(r.error().message ==
          "cannot set tx rate of VF 0 of enp1s0: Invalid input data or parameter (enp1s0 has had "
          "link for 2 s and still refuses it)");
    CHECK(pf.sets == 21);
    CHECK(pf.slept == milliseconds(2000));
  }
  SUBCASE("the speed is unknown: tried again the same way") {
    pf.speed.reset();
    pf.lagSets = 2;
    CHECK(pf.run(rate(5000)));
    CHECK(pf.sets == 4);
  }
}

TEST_CASE("without carrier within the timeout, the error says why") {
  FakePf pf;
  pf.carrierAfter = -1;
  Result<void> r =
      pf.run(rate(100), LinkWait{milliseconds(2000), milliseconds(4000), milliseconds(100)});
  REQUIRE(!r);
  CHECK(r.error().code == EINVAL);
  CHECK(r.error().message ==
        "cannot set tx rate of VF 0 of enp1s0: Invalid input data or parameter (enp1s0 has had "
        "no link for 2 s; the driver refuses a VF tx rate without link)");
  CHECK(pf.sets == 1);
  CHECK(pf.slept == milliseconds(2000));
}

TEST_CASE("a link that comes and goes within the timeout: the error says it did not stay up") {
  // Carrier on every other look: the settle time is never reached, the timeout is.
  int looks = 0;
  int sets = 0;
  Result<void> r = setVfWaitingForLink(
      rate(100), "enp1s0",
      [&] {
        ++sets;
        return Result<void>(Error{"cannot set tx rate: Invalid", EINVAL});
      },
      [&] {
        return Result<PfLink>(PfLink{true, ++looks % 2 == 0, 1000});
      },
      LinkWait{milliseconds(3000), milliseconds(500), milliseconds(100)}, [](milliseconds) {});
  REQUIRE(!r);
  CHECK(r.error().message ==
        "cannot set tx rate: Invalid (enp1s0's link did not stay up for 0.5 s within 3 s; the "
        "driver refuses a VF tx rate without link)");
  CHECK(sets == 1 + 15);
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

TEST_CASE("a rate above the link speed, other errors and changes without a rate fail at once") {
  NoRetry once;
  SUBCASE("the rate is above the link speed the PF has") {
    Result<void> r =
        once.run(rate(5000), Error{"cannot set tx rate of VF 0 of enp1s0: Invalid", EINVAL},
                 {true, true, 1000});
    CHECK(!r);
    CHECK(r.error().message ==
          "cannot set tx rate of VF 0 of enp1s0: Invalid (max_tx_rate 5000 is above enp1s0's "
          "link speed, 1000 Mb/s)");
  }
  SUBCASE("another errno") {
    Result<void> r =
        once.run(rate(100), Error{"cannot set tx rate: Operation not supported", EOPNOTSUPP},
                 {true, false, 1000});
    CHECK(r.error().code == EOPNOTSUPP);
  }
  SUBCASE("no rate in the change: EINVAL is about something else") {
    VfChange change;
    change.vlan = 5000;
    Result<void> r =
        once.run(change, Error{"cannot set VLAN: Invalid", EINVAL}, {true, false, 1000});
    CHECK(r.error().message == "cannot set VLAN: Invalid");
  }
  CHECK(once.calls == 1);
}

}  // namespace
}  // namespace sriov::reconcile
