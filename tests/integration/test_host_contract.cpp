// The Host contract: the same sequence of calls against LinuxHost (the test daemon) and against a
// SimulatedHost seeded with what LinuxHost observed, compared call by call (success, error code)
// and by what each host observes afterwards, so both sides of the seam keep one contract.
#include <doctest/doctest.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <chrono>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "reconcile/host/linux_host.h"
#include "reconcile/simulated/simulated_host.h"
#include "tests/integration/libvirt_world.h"

namespace sriov::reconcile {
namespace {

LinuxHost linuxHost() {
  return LinuxHost(integration::worldHostOptions());
}

// What a step's outcome is held to: success or the error code (messages are worded by each side
// and checked in their own tests), and the observed flags of the network named.
std::string outcome(const Result<void>& result, Host& host, const std::string& network) {
  std::ostringstream out;
  out << (result.ok() ? "ok" : "error " + std::to_string(result.error().code));
  Result<ObservedState> state = host.observe();
  REQUIRE_MESSAGE(state.ok(), state.error().message);
  const ObservedNetwork* found = nullptr;
  for (const ObservedNetwork& n : state->networks)
    if (n.name == network) found = &n;
  if (!found) return out.str() + "; " + network + " absent";
  out << "; " << network << (found->active ? " active" : " inactive")
      << (found->persistent ? " persistent" : " transient")
      << (found->autostart ? " autostart" : "") << " forward " << found->forwardMode << " pf "
      << found->pfDev;
  return out.str();
}

struct Step {
  std::string name;
  std::function<Result<void>(Host&)> call;
};

constexpr const char* kNetwork =
    "<network><name>contract-pool</name>"
    "<forward mode='hostdev' managed='yes'><pf dev='eth3'/></forward></network>";

TEST_CASE("Host contract: a network's life, errors included, is the same on both hosts") {
  LinuxHost linux = linuxHost();
  Result<ObservedState> seed = linux.observe();
  REQUIRE_MESSAGE(seed.ok(), seed.error().message);
  SimulatedHost simulated(*seed);
  const std::string net = "contract-pool";
  const std::vector<Step> steps = {
      {"start an undefined network", [&](Host& h) { return h.startNetwork(net); }},
      {"define", [&](Host& h) { return h.defineNetwork(kNetwork); }},
      {"redefine (same XML)", [&](Host& h) { return h.defineNetwork(kNetwork); }},
      {"stop an inactive network", [&](Host& h) { return h.stopNetwork(net); }},
      {"autostart on", [&](Host& h) { return h.setNetworkAutostart(net, true); }},
      {"autostart off", [&](Host& h) { return h.setNetworkAutostart(net, false); }},
      {"undefine", [&](Host& h) { return h.undefineNetwork(net); }},
      {"undefine again", [&](Host& h) { return h.undefineNetwork(net); }},
      {"autostart of an unknown network",
       [&](Host& h) { return h.setNetworkAutostart(net, true); }},
  };
  for (const Step& step : steps) {
    CAPTURE(step.name);
    std::string real = outcome(step.call(linux), linux, net);
    std::string fake = outcome(step.call(simulated), simulated, net);
    CHECK(fake == real);
  }
  virResetLastError();
}

}  // namespace
}  // namespace sriov::reconcile
