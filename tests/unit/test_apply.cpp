// Apply on the simulated lab host: convergence, idempotence, and fault injection at every
// mutation (rollback restores the state before, field by field; a crash is converged by the
// next apply).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>

#include "reconcile/apply.h"
#include "reconcile/rollback.h"
#include "reconcile/simulated/simulated_host.h"
#include "reconcile/state_file.h"
#include "schema/loader.h"
#include "tests/unit/lab_state.h"
#include "tests/unit/test_helpers.h"

namespace rc = sriov::reconcile;

namespace {

// Specs whose plans on the lab host have 10 to 40 actions, touching every kind of action.
const char* kEverything = R"(apiVersion: sriov-apply/v1
pfs:
  - name: enp3s0f0
    numVfs: 4
  - name: enp3s0f1
    numVfs: 3
    vfs:
      - index: 0-2
        spoofCheck: true
  - name: enp4s0f0
    numVfs: 6
    vfs:
      - index: 1
        mac: "02:00:00:00:10:01"
        vlan: 200
        trust: true
        maxTxRate: 500
      - index: 2-3
        driver: vfio-pci
  - pci: "0000:05:00.0"
    numVfs: 2
    vfs:
      - index: 0-1
        driver: vfio-pci
networks:
  - name: passthrough
    pf: enp3s0f0
    vlan: 42
  - name: pool1
    pf: enp3s0f1
guests:
  - name: web1
    onDisruption: WEB1MODE
    interfaces:
      - vf: {pf: enp4s0f0, index: 0}
        mac: "52:54:00:a1:00:01"
        vlan: 100
      - network: pool1
    hostdevs:
      - vf: {pf: enp4s0f0, index: 4}
  - name: db1
    interfaces:
      - network: passthrough
        mac: "52:54:00:b2:00:01"
    hostdevs:
      - vf: {pf: "0000:05:00.0", index: 1}
  - name: build1
    interfaces:
      - vf: {pf: enp4s0f0, index: 2}
        virtualport: {type: 802.1Qbh, profileid: build}
      - network: pool1
)";

sriov::schema::Spec specFor(const std::string& mode) {
  std::string text = kEverything;
  text.replace(text.find("WEB1MODE"), 8, mode);
  sriov::schema::LoadResult r = sriov::schema::loadSpec(text, "everything.yaml");
  REQUIRE_MESSAGE(!r.diagnostics.hasErrors(), sriov::test::diagnosticsOf(r).front());
  return r.spec;
}

rc::ApplySettings settings(unsigned jobs = 1) {
  rc::ApplySettings s;
  s.execute.jobs = jobs;
  return s;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

}  // namespace

TEST_CASE("apply converges the lab host, and a second apply changes nothing") {
  for (const char* mode : {"hotplug", "restart"}) {
    CAPTURE(mode);
    rc::SimulatedHost host(sriov::testing::labState());
    rc::ApplyReport first = rc::apply(specFor(mode), host, settings());
    INFO(joined(first.differences));
    CHECK(std::string(toString(first.status)) == "converged");
    CHECK(first.plan.actions.size() >= 10);
    CHECK(first.plan.actions.size() <= 40);
    unsigned mutations = host.mutationCount();
    CHECK(mutations == first.plan.actions.size());
    rc::ApplyReport second = rc::apply(specFor(mode), host, settings());
    CHECK(std::string(toString(second.status)) == "no-changes");
    CHECK(host.mutationCount() == mutations);
  }
}

TEST_CASE("a failure at any action rolls the host back to the state before, field by field") {
  for (const char* mode : {"hotplug", "restart"}) {
    rc::SimulatedHost probe(sriov::testing::labState());
    size_t n = rc::apply(specFor(mode), probe, settings()).plan.actions.size();
    for (unsigned k = 1; k <= n; ++k) {
      CAPTURE(mode);
      CAPTURE(k);
      rc::SimulatedHost host(sriov::testing::labState());
      host.failAt(k, sriov::Error{"injected failure", 5});
      rc::ApplyReport r = rc::apply(specFor(mode), host, settings());
      INFO(joined(r.differences));
      CHECK(std::string(toString(r.status)) == "rolled-back");
      REQUIRE(r.execution.firstFailure());
      CHECK(r.execution.firstFailure()->error == "injected failure");
      rc::ObservedState after = *host.observe();
      CHECK(joined(rc::stateDifferences(r.before, after)) == "");
    }
  }
}

TEST_CASE("a host that stops dead after any action is converged by the next apply") {
  rc::SimulatedHost probe(sriov::testing::labState());
  size_t n = rc::apply(specFor("hotplug"), probe, settings()).plan.actions.size();
  for (unsigned k = 1; k < n; ++k) {
    CAPTURE(k);
    rc::SimulatedHost host(sriov::testing::labState());
    host.stopAfter(k);
    rc::ApplyReport crashed = rc::apply(specFor("hotplug"), host, settings());
    CHECK(std::string(toString(crashed.status)) == "rollback-failed");
    // The machine comes back as the crash left it; the next apply converges it.
    rc::SimulatedHost rebooted(host.state());
    rc::ApplyReport again = rc::apply(specFor("hotplug"), rebooted, settings());
    INFO(joined(again.differences));
    CHECK(std::string(toString(again.status)) == "converged");
    CHECK(std::string(toString(rc::apply(specFor("hotplug"), rebooted, settings()).status)) ==
          "no-changes");
  }
}

TEST_CASE("parallel execution never starts an action before the actions it waits for finish") {
  for (unsigned jobs : {2u, 4u, 8u}) {
    CAPTURE(jobs);
    rc::SimulatedHost host(sriov::testing::labState());
    host.setSettleDelay(std::chrono::milliseconds(5));
    rc::ApplySettings s = settings(jobs);
    // ('s'|'e', id) in the order they happened.
    struct Events : rc::ApplyReporter {
      std::mutex m;
      std::vector<std::pair<char, int>> list;
      void started(const rc::Action& a) override {
        std::lock_guard<std::mutex> lock(m);
        list.push_back({'s', a.id});
      }
      void finished(const rc::Action& a, const rc::ActionOutcome&) override {
        std::lock_guard<std::mutex> lock(m);
        list.push_back({'e', a.id});
      }
    } reporter;
    s.reporter = &reporter;
    const std::vector<std::pair<char, int>>& events = reporter.list;
    rc::ApplyReport r = rc::apply(specFor("hotplug"), host, s);
    CHECK(std::string(toString(r.status)) == "converged");
    REQUIRE(events.size() == 2 * r.plan.actions.size());
    std::set<int> ended;
    size_t mostAtOnce = 0, running = 0;
    for (const auto& [kind, id] : events) {
      if (kind == 'e') {
        ended.insert(id);
        --running;
        continue;
      }
      for (int dep : r.plan.actions[static_cast<size_t>(id - 1)].after)
        CHECK(ended.count(dep) == 1);
      mostAtOnce = std::max(mostAtOnce, ++running);
    }
    CHECK(mostAtOnce <= jobs);
    CHECK(mostAtOnce > 1);  // independent branches did overlap
  }
}

TEST_CASE("an interrupt lets the running action finish, starts nothing new, and rolls back") {
  rc::SimulatedHost host(sriov::testing::labState());
  rc::ApplySettings s = settings(1);
  std::atomic<bool> stop{false};
  s.execute.stop = &stop;
  int started = 0;
  struct AtFifth : rc::ApplyReporter {
    std::atomic<bool>* stop = nullptr;
    int* count = nullptr;
    void started(const rc::Action&) override {
      if (!*stop && ++*count == 5) *stop = true;  // SIGINT arrives while action 5 runs
    }
  } atFifth;
  atFifth.stop = &stop;
  atFifth.count = &started;
  s.reporter = &atFifth;
  rc::ApplyReport r = rc::apply(specFor("hotplug"), host, s);
  CHECK(std::string(toString(r.status)) == "rolled-back");
  CHECK(r.execution.interrupted);
  CHECK(started == 5);
  size_t rolledBack = 0, skipped = 0;
  for (const rc::ActionOutcome& o : r.execution.actions) {
    rolledBack += o.outcome == rc::Outcome::rolledBack;
    skipped += o.outcome == rc::Outcome::skipped;
  }
  CHECK(rolledBack == 5);
  CHECK(skipped == r.plan.actions.size() - 5);
  CHECK(joined(rc::stateDifferences(r.before, *host.observe())) == "");
}

TEST_CASE("--no-rollback leaves the host as the failure left it") {
  rc::SimulatedHost host(sriov::testing::labState());
  host.failAt(6, sriov::Error{"injected", 5});
  rc::ApplySettings s = settings(1);
  s.rollback = rc::Rollback::no;
  rc::ApplyReport r = rc::apply(specFor("hotplug"), host, s);
  CHECK(std::string(toString(r.status)) == "not-rolled-back");
  CHECK(host.mutationCount() == 6);
  CHECK(!rc::stateDifferences(r.before, *host.observe()).empty());
}

TEST_CASE("every golden plan that is not refused: a failure at any action rolls back exactly") {
  namespace fs = std::filesystem;
  fs::path root = fs::path(SRIOV_SOURCE_DIR) / "tests" / "golden";
  size_t plans = 0, faults = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(root)) {
    if (!e.is_directory()) continue;
    CAPTURE(e.path().filename().string());
    fs::path statePath = fs::exists(e.path() / "state.yaml") ? e.path() / "state.yaml"
                                                             : root / "lab-persisted.state.yaml";
    sriov::Result<rc::ObservedState> state = rc::loadStateFile(statePath.string());
    REQUIRE(state.ok());
    sriov::schema::Spec spec = sriov::schema::loadSpecFile((e.path() / "spec.yaml").string()).spec;
    rc::ApplySettings s = settings();
    if (fs::exists(e.path() / "args")) {
      std::string args = sriov::test::readText((e.path() / "args").string());
      s.plan.force = s.plan.takeOverNetworks = args.find("--force") != std::string::npos;
      if (args.find("--max-disruption") != std::string::npos) continue;  // refused
    }
    rc::Plan p = rc::plan(spec, *state, s.plan);
    if (p.refused() || p.empty()) continue;
    ++plans;
    for (unsigned k = 1; k <= p.actions.size(); ++k) {
      CAPTURE(k);
      rc::SimulatedHost host(*state);
      host.failAt(k, sriov::Error{"injected failure", 5});
      rc::ApplyReport r = rc::apply(spec, host, s);
      INFO(joined(r.differences));
      CHECK(std::string(toString(r.status)) == "rolled-back");
      CHECK(joined(rc::stateDifferences(*state, *host.observe())) == "");
      ++faults;
    }
  }
  CHECK(plans >= 20);
  MESSAGE(plans << " golden plans, " << faults << " injected failures");
}

namespace {

// A simulated host whose VFs' netdevs udev has not renamed yet for the first `unrenamed`
// observes after `armedAfter` observes: the first VF with a netdev shows the kernel's name.
class RenamingHost : public rc::SimulatedHost {
 public:
  using SimulatedHost::SimulatedHost;
  int armedAfter = 0;
  int unrenamed = 0;
  int observes = 0;
  sriov::Result<rc::ObservedState> observe() override {
    sriov::Result<rc::ObservedState> state = SimulatedHost::observe();
    if (!state || ++observes <= armedAfter || unrenamed == 0) return state;
    if (unrenamed > 0) --unrenamed;
    for (rc::ObservedPf& pf : state->pfs)
      for (rc::ObservedVf& vf : pf.vfs)
        if (!vf.netdev.empty()) {
          vf.netdev = "eth9";
          return state;
        }
    return state;
  }
};

}  // namespace

TEST_CASE("after a rollback, VF netdevs udev has not renamed yet are looked at again") {
  RenamingHost host(sriov::testing::labState());
  host.failAt(6, sriov::Error{"injected", 5});
  host.armedAfter = 2;  // before the apply, before the rollback
  rc::ApplySettings s = settings(1);
  s.renameWait = std::chrono::milliseconds(2000);
  SUBCASE("renamed within the wait: rolled back") {
    host.unrenamed = 3;
    rc::ApplyReport r = rc::apply(specFor("hotplug"), host, s);
    CHECK(std::string(toString(r.status)) == "rolled-back");
    CHECK(r.differences.empty());
    CHECK(host.observes == 2 + 4);  // 3 with eth9, then the renamed one
  }
  SUBCASE("never renamed: the rollback failed, and the message names both names") {
    host.unrenamed = -1;
    rc::ApplyReport r = rc::apply(specFor("hotplug"), host, s);
    CHECK(std::string(toString(r.status)) == "rollback-failed");
    REQUIRE(r.differences.size() == 1);
    CHECK(r.differences[0].find(": netdev eth9, was ") != std::string::npos);
    CHECK(host.observes == 2 + 1 + 8);  // every 250 ms for 2 s
  }
}

TEST_CASE("stateDifferences: VF netdev names compared, or only whether there is one") {
  rc::ObservedState before = sriov::testing::labState();
  rc::ObservedVf* vf = nullptr;
  for (rc::ObservedPf& pf : before.pfs)
    for (rc::ObservedVf& v : pf.vfs)
      if (!vf && !v.netdev.empty()) vf = &v;
  REQUIRE(vf);
  const std::string name = vf->netdev;
  rc::ObservedState renamed = before;
  rc::ObservedState gone = before;
  for (rc::ObservedState* s : {&renamed, &gone})
    for (rc::ObservedPf& pf : s->pfs)
      for (rc::ObservedVf& v : pf.vfs)
        if (v.netdev == name) v.netdev = s == &renamed ? "eth9" : "";
  CHECK(joined(rc::stateDifferences(before, renamed)).find("netdev eth9, was " + name) !=
        std::string::npos);
  CHECK(rc::stateDifferences(before, renamed, rc::VfNetdevNames::ignored).empty());
  CHECK(joined(rc::stateDifferences(before, gone, rc::VfNetdevNames::ignored))
            .find("netdev none, was there") != std::string::npos);
}
