// Runs a plan's actions against a Host in dependency order, independent branches in parallel
// (bounded workers), reporting progress. It makes no decisions: after the first failure it
// starts nothing new, lets running actions finish, and reports what happened to each action.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/apply_reporter.h"
#include "reconcile/host/host.h"
#include "reconcile/plan.h"

namespace sriov::reconcile {

enum class Outcome { done, failed, skipped, rolledBack };
const char* toString(Outcome outcome);

struct ActionOutcome {
  int id = 0;
  Outcome outcome = Outcome::skipped;
  std::chrono::milliseconds duration{0};
  std::string error;  // failed: the host's message
};

struct ExecuteOptions {
  unsigned jobs = 0;                        // actions running at once; 0: autoJobs(plan)
  std::chrono::seconds guestTimeout{120};   // shutdown-guest waits this long
  ApplyReporter* reporter = nullptr;        // started / finished of each action
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by SIGINT): start nothing new
};

struct ExecuteResult {
  std::vector<ActionOutcome> actions;  // one per plan action, in plan order
  bool ok() const;                     // every action done
  const ActionOutcome* firstFailure() const;
  bool interrupted = false;  // stopped by ExecuteOptions::stop
};

// The default number of workers: one per PF the plan changes (a VF count change waits for the
// kernel and its driver, and the kernel runs PFs in parallel), at least 4, at most 64.
unsigned autoJobs(const Plan& plan);

// Runs the plan. Whatever the number of jobs, two actions on one guest or on one network never
// run at once (libvirt serialises them per object, and their order is the plan's).
ExecuteResult execute(const Plan& plan, Host& host, const ExecuteOptions& options);

// One action against the host: the mapping from action kinds to Host methods.
Result<void> perform(const Action& action, Host& host, std::chrono::seconds guestTimeout);

}  // namespace sriov::reconcile
