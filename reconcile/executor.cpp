// The executor: a small scheduler over the plan's dependency graph and a pool of threads.
#include "reconcile/executor.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "reconcile/device_xml.h"

namespace sriov::reconcile {

const char* toString(Outcome outcome) {
  switch (outcome) {
    case Outcome::done:
      return "done";
    case Outcome::failed:
      return "failed";
    case Outcome::skipped:
      return "skipped";
    case Outcome::rolledBack:
      return "rolled-back";
  }
  return "?";
}

bool ExecuteResult::ok() const {
  for (const ActionOutcome& a : actions)
    if (a.outcome != Outcome::done) return false;
  return true;
}

const ActionOutcome* ExecuteResult::firstFailure() const {
  for (const ActionOutcome& a : actions)
    if (a.outcome == Outcome::failed) return &a;
  return nullptr;
}

Result<void> perform(const Action& a, Host& host, std::chrono::seconds guestTimeout) {
  switch (a.kind) {
    case ActionKind::setNumVfs:
      return host.setNumVfs(a.pfPci, a.count);
    case ActionKind::setVf:
      return host.setVf(a.pfPci, a.vfIndex, a.change);
    case ActionKind::bindVfDriver:
      return host.bindVfDriver(a.vfPci, a.driver);
    case ActionKind::setLinkUp:
      return host.setLink(a.pfPci,
                          a.to == std::optional<std::string>("down") ? Link::down : Link::up);
    case ActionKind::defineNetwork:
      return host.defineNetwork(networkXml(a.network));
    case ActionKind::startNetwork:
      return host.startNetwork(a.name);
    case ActionKind::stopNetwork:
      return host.stopNetwork(a.name);
    case ActionKind::undefineNetwork:
      return host.undefineNetwork(a.name);
    case ActionKind::setNetworkAutostart:
      return host.setNetworkAutostart(a.name, a.autostart);
    case ActionKind::attachDevice:
      return host.attachDevice(a.name, deviceXml(a.device), a.scope);
    case ActionKind::detachDevice:
      return host.detachDevice(a.name, deviceXml(a.device), a.scope);
    case ActionKind::updateDevice:
      return host.updateDevice(a.name, deviceXml(a.device), a.scope);
    case ActionKind::shutdownGuest:
      return host.shutdownGuest(a.name, guestTimeout);
    case ActionKind::startGuest:
      return host.startGuest(a.name);
    case ActionKind::writePersistence:
      return a.to ? host.writeFile(a.path, a.content) : host.removeFile(a.path);
  }
  return Error{"unknown action kind"};
}

unsigned autoJobs(const Plan& plan) {
  std::set<std::string> pfs;
  for (const Action& a : plan.actions)
    if (!a.pfPci.empty()) pfs.insert(a.pfPci);
  return std::clamp(static_cast<unsigned>(pfs.size()), 4u, 64u);
}

namespace {

enum class State { pending, running, finished };

// The libvirt object an action works on, which no other action may use at the same time; ""
// for an action on the kernel side (a PF, a VF, a file).
std::string objectOf(const Action& a) {
  switch (a.kind) {
    case ActionKind::attachDevice:
    case ActionKind::detachDevice:
    case ActionKind::updateDevice:
    case ActionKind::shutdownGuest:
    case ActionKind::startGuest:
      return "guest " + a.name;
    case ActionKind::defineNetwork:
    case ActionKind::startNetwork:
    case ActionKind::stopNetwork:
    case ActionKind::undefineNetwork:
    case ActionKind::setNetworkAutostart:
      return "network " + a.name;
    default:
      return "";
  }
}

class Scheduler {
 public:
  Scheduler(const Plan& plan, Host& host, const ExecuteOptions& options)
      : plan_(plan), host_(host), options_(options), state_(plan.actions.size(), State::pending) {
    result_.actions.resize(plan.actions.size());
    for (size_t i = 0; i < plan.actions.size(); ++i) {
      result_.actions[i].id = plan.actions[i].id;
      index_[plan.actions[i].id] = i;
      objects_.push_back(objectOf(plan.actions[i]));
    }
  }

  ExecuteResult run() {
    std::vector<std::thread> threads;
    std::unique_lock<std::mutex> lock(mutex_);
    unsigned jobs = options_.jobs ? options_.jobs : autoJobs(plan_);
    for (;;) {
      if (options_.stop && options_.stop->load()) {
        result_.interrupted = running_ > 0 || anyPending();
        stopping_ = true;
      }
      // Start every ready action, lowest id first, while workers are free.
      for (size_t i = 0; i < state_.size() && !stopping_ && running_ < jobs; ++i) {
        if (state_[i] != State::pending || !ready(i)) continue;
        state_[i] = State::running;
        ++running_;
        if (!objects_[i].empty()) busy_.insert(objects_[i]);
        threads.emplace_back([this, i] { work(i); });
      }
      if (running_ == 0) break;
      changed_.wait(lock);
    }
    lock.unlock();
    for (std::thread& t : threads) t.join();
    return result_;
  }

 private:
  bool anyPending() const {
    for (State s : state_)
      if (s == State::pending) return true;
    return false;
  }

  bool ready(size_t i) const {
    if (!objects_[i].empty() && busy_.count(objects_[i])) return false;
    for (int dep : plan_.actions[i].after) {
      size_t d = index_.at(dep);
      if (state_[d] != State::finished || result_.actions[d].outcome != Outcome::done) return false;
    }
    return true;
  }

  void work(size_t i) {
    const Action& a = plan_.actions[i];
    notify([&] {
      if (options_.reporter) options_.reporter->started(a);
    });
    spdlog::debug("host: action {} {} {} started", a.id, toString(a.kind), a.target);
    std::chrono::steady_clock::time_point begin = std::chrono::steady_clock::now();
    Result<void> r =
        host_.threadSafe() ? perform(a, host_, options_.guestTimeout) : performSerially(a);
    std::chrono::milliseconds took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - begin);
    if (r)
      spdlog::debug("host: action {} {} {} done in {} ms", a.id, toString(a.kind), a.target,
                    took.count());
    else
      spdlog::debug("host: action {} {} {} failed after {} ms: {}", a.id, toString(a.kind),
                    a.target, took.count(), r.error().message);
    std::lock_guard<std::mutex> lock(mutex_);
    ActionOutcome& out = result_.actions[i];
    out.duration = took;
    out.outcome = r ? Outcome::done : Outcome::failed;
    if (!r) {
      out.error = r.error().message;
      stopping_ = true;  // start nothing new after a failure
    }
    state_[i] = State::finished;
    --running_;
    busy_.erase(objects_[i]);
    {
      std::lock_guard<std::mutex> report(reportMutex_);
      if (options_.reporter) options_.reporter->finished(a, out);
    }
    changed_.notify_all();
  }

  Result<void> performSerially(const Action& a) {
    std::lock_guard<std::mutex> lock(hostMutex_);
    return perform(a, host_, options_.guestTimeout);
  }

  template <typename F>
  void notify(F f) {
    std::lock_guard<std::mutex> report(reportMutex_);
    f();
  }

  const Plan& plan_;
  Host& host_;
  const ExecuteOptions& options_;
  std::vector<State> state_;
  std::map<int, size_t> index_;
  std::vector<std::string> objects_;  // objectOf() of each action
  std::set<std::string> busy_;        // the objects of running actions
  ExecuteResult result_;
  unsigned running_ = 0;
  bool stopping_ = false;
  std::mutex mutex_;        // state_, result_, running_, stopping_, busy_
  std::mutex reportMutex_;  // reporter calls, one at a time
  std::mutex hostMutex_;    // a host that is not thread-safe
  std::condition_variable changed_;
};

}  // namespace

ExecuteResult execute(const Plan& plan, Host& host, const ExecuteOptions& options) {
  return Scheduler(plan, host, options).run();
}

}  // namespace sriov::reconcile
