// Tests of the simulator's undo record: a failed mutation of a guest leaves the whole world (the
// state, the leases, the saved VF settings) as it was, without a copy of the world per mutation.
#include <doctest/doctest.h>

#include <string>

#include "reconcile/simulated/simulated_host.h"
#include "reconcile/simulated/simulated_world.h"
#include "tests/unit/lab_state.h"

using sriov::reconcile::DeviceScope;
using sriov::reconcile::JournaledMap;
using sriov::reconcile::ObservedState;
using sriov::reconcile::SimulatedHost;
using sriov::testing::labState;

namespace {

const DeviceScope kLive{true, false};
const DeviceScope kConfig{false, true};

std::string hostdev(const std::string& bus, const std::string& slot, const std::string& fn) {
  return "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' "
         "bus='0x" +
         bus + "' slot='0x" + slot + "' function='0x" + fn + "'/></source></hostdev>";
}

std::string networkInterface(const std::string& network, const std::string& mac) {
  return "<interface type='network'><mac address='" + mac + "'/><source network='" + network +
         "'/></interface>";
}

// Runs call, which must fail, and checks the host is as before, state and hidden parts alike.
template <typename Call>
void failsAndChangesNothing(SimulatedHost& host, Call call, int line = __builtin_LINE()) {
  CAPTURE(line);
  ObservedState before = host.state();
  unsigned mismatches = host.undoMismatches();
  CHECK_FALSE(call().ok());
  CHECK(host.state() == before);
  CHECK(host.undoMismatches() == mismatches);
}

}  // namespace

TEST_CASE("JournaledMap puts back what a record changed, and keeps what was committed") {
  JournaledMap<std::string, int> map;
  map["a"] = 1;
  map["b"] = 2;
  JournaledMap<std::string, int> before = map;
  map.record();
  map["a"] = 10;
  map.erase("b");
  map["c"] = 3;
  map.emplace("d", 4);
  map.at("a") = 11;
  map.undo();
  CHECK(map == before);

  map.record();
  map["c"] = 3;
  map.clear();
  map["e"] = 5;
  map.undo();
  CHECK(map == before);

  map.record();
  map["c"] = 3;
  map.commit();
  map.undo();  // nothing recorded any more
  CHECK(map.count("c") == 1);
}

TEST_CASE("a failed guest mutation leaves the whole world as it was") {
  SimulatedHost host(labState());
  host.checkUndo();
  REQUIRE(host.startGuest("build1").ok());
  REQUIRE(host.attachDevice("build1", networkInterface("passthrough", "52:54:00:c3:00:02"), kLive)
              .ok());

  SUBCASE("attach of a device another guest holds, of a missing device, to a missing guest") {
    failsAndChangesNothing(
        host, [&] { return host.attachDevice("build1", hostdev("03", "10", "0"), kLive); });
    failsAndChangesNothing(
        host, [&] { return host.attachDevice("build1", hostdev("0e", "00", "0"), kLive); });
    failsAndChangesNothing(
        host, [&] { return host.attachDevice("nope", hostdev("03", "10", "2"), kConfig); });
  }
  SUBCASE("detach and update of what is not there") {
    failsAndChangesNothing(
        host, [&] { return host.detachDevice("build1", hostdev("03", "10", "6"), kLive); });
    failsAndChangesNothing(host, [&] {
      return host.updateDevice("build1", networkInterface("passthrough", "52:54:00:c3:00:09"),
                               kLive);
    });
  }
  SUBCASE("start of a running guest, shutdown of a guest not running") {
    failsAndChangesNothing(host, [&] { return host.startGuest("build1"); });
    failsAndChangesNothing(host,
                           [&] { return host.shutdownGuest("db1", std::chrono::seconds(1)); });
  }
  SUBCASE("the kernel's rules check before they write") {
    failsAndChangesNothing(host, [&] { return host.setNumVfs("0000:03:00.0", 0); });
    failsAndChangesNothing(host, [&] { return host.setNumVfs("0000:03:00.0", 99); });
    failsAndChangesNothing(host, [&] { return host.bindVfDriver("0000:03:10.0", "igbvf"); });
  }
  CHECK(host.undoMismatches() == 0);
}

TEST_CASE("a guest start that fails on its second device gives back what the first one took") {
  SimulatedHost host(labState());
  host.checkUndo();
  REQUIRE(host.startGuest("build1").ok());
  REQUIRE(host.attachDevice("build1", hostdev("03", "10", "0"), kLive).ok());
  failsAndChangesNothing(host, [&] { return host.startGuest("db1"); });
  REQUIRE(host.detachDevice("build1", hostdev("03", "10", "0"), kLive).ok());
  CHECK(host.startGuest("db1").ok());
  CHECK(host.undoMismatches() == 0);
}
