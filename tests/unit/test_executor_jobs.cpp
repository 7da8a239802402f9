// Tests of the executor's default number of workers (one per PF the plan changes) and of its
// guard: two actions on one guest or one network never run at once, whatever --jobs says.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "reconcile/executor.h"
#include "reconcile/simulated/simulated_host.h"

namespace rc = sriov::reconcile;

namespace {

// A host whose actions only count who runs at once: each waits (at most 10 s) until `wanted`
// actions are running together, so a test sees the most the executor ran at once.
class CountingHost : public rc::SimulatedHost {
 public:
  explicit CountingHost(unsigned wanted) : SimulatedHost(rc::ObservedState{}), wanted_(wanted) {}

  sriov::Result<void> setNumVfs(const std::string& pf, unsigned) override { return run(pf); }
  sriov::Result<void> attachDevice(const std::string& domain, const std::string&,
                                   rc::DeviceScope) override {
    return run("guest " + domain);
  }
  sriov::Result<void> startNetwork(const std::string& name) override {
    return run("network " + name);
  }

  unsigned mostAtOnce = 0;
  std::map<std::string, unsigned> mostPerObject;

 private:
  sriov::Result<void> run(const std::string& object) {
    std::unique_lock<std::mutex> lock(mutex_);
    ++running_;
    unsigned& here = perObject_[object];
    ++here;
    mostAtOnce = std::max(mostAtOnce, running_);
    mostPerObject[object] = std::max(mostPerObject[object], here);
    changed_.notify_all();
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return running_ >= wanted_; });
    --running_;
    --here;
    return {};
  }

  unsigned wanted_;
  unsigned running_ = 0;
  std::map<std::string, unsigned> perObject_;
  std::mutex mutex_;
  std::condition_variable changed_;
};

rc::Action action(int id, rc::ActionKind kind, const std::string& object) {
  rc::Action a;
  a.id = id;
  a.kind = kind;
  a.pfPci = kind == rc::ActionKind::setNumVfs ? object : "";
  a.name = kind == rc::ActionKind::setNumVfs ? "" : object;
  return a;
}

rc::Plan pfPlan(unsigned pfs) {
  rc::Plan plan;
  for (unsigned i = 0; i < pfs; ++i)
    plan.actions.push_back(
        action(static_cast<int>(i) + 1, rc::ActionKind::setNumVfs, "0000:1" + std::to_string(i)));
  return plan;
}

}  // namespace

TEST_CASE("the default number of workers is one per PF the plan changes, at least 4") {
  CHECK(rc::autoJobs(rc::Plan{}) == 4);
  CHECK(rc::autoJobs(pfPlan(1)) == 4);
  CHECK(rc::autoJobs(pfPlan(8)) == 8);
  CHECK(rc::autoJobs(pfPlan(16)) == 16);
  CHECK(rc::autoJobs(pfPlan(100)) == 64);
  rc::Plan twice = pfPlan(8);
  twice.actions.push_back(action(9, rc::ActionKind::setNumVfs, "0000:10"));
  CHECK(rc::autoJobs(twice) == 8);  // PFs, not actions
}

TEST_CASE("at the default --jobs, 16 PFs change their VF counts at once") {
  CountingHost host(16);
  rc::ExecuteResult result = rc::execute(pfPlan(16), host, rc::ExecuteOptions{});
  CHECK(result.ok());
  CHECK(host.mostAtOnce == 16);
}

TEST_CASE("two actions on one guest or one network never run at once") {
  rc::Plan plan;
  int id = 0;
  for (const char* guest : {"web1", "web2"})
    for (int i = 0; i < 3; ++i)
      plan.actions.push_back(action(++id, rc::ActionKind::attachDevice, guest));
  for (int i = 0; i < 3; ++i)
    plan.actions.push_back(action(++id, rc::ActionKind::startNetwork, "pool"));
  CountingHost host(3);  // the two guests and the network, one action each at a time
  rc::ExecuteOptions options;
  options.jobs = 8;
  rc::ExecuteResult result = rc::execute(plan, host, options);
  CHECK(result.ok());
  CHECK(host.mostAtOnce == 3);
  CHECK(host.mostPerObject["guest web1"] == 1);
  CHECK(host.mostPerObject["guest web2"] == 1);
  CHECK(host.mostPerObject["network pool"] == 1);
}
