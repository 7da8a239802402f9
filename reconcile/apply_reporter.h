// What an apply tells whoever runs it, as it goes: one interface in place of callbacks, so that
// the command line has one text and one JSON implementation (cmd/apply_reporters.h).
#pragma once

#include <string>

#include "reconcile/plan.h"

namespace sriov::reconcile {

struct ActionOutcome;

// Every method has a do-nothing default. started and finished are called from the executor's
// worker threads, one call at a time; the others from the thread that runs apply().
class ApplyReporter {
 public:
  virtual ~ApplyReporter() = default;
  // The plan, as soon as it is made and before anything changes.
  virtual void planned(const Plan& /*plan*/) {}
  // A plan about to be executed: the apply's, then a rollback's.
  virtual void executing(const Plan& /*plan*/) {}
  // A step of the apply: "verifying", "rolling back ...".
  virtual void phase(const std::string& /*what*/) {}
  virtual void started(const Action& /*action*/) {}
  virtual void finished(const Action& /*action*/, const ActionOutcome& /*outcome*/) {}
};

}  // namespace sriov::reconcile
