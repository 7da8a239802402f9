// How `apply` reports as it goes and at its end: one ApplyOutput interface, a text
// implementation (the plan, [id/total] progress lines, a summary) and a JSON one (one ApplyResult
// document at the end); both write the failure lines on stderr.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "cmd/options.h"
#include "reconcile/apply.h"

namespace sriov::cmd {

class ApplyOutput : public reconcile::ApplyReporter {
 public:
  // The host waiting for something (PFs to appear, VFs to settle): one line.
  virtual void progress(const std::string& line) = 0;
  // The apply's end, whatever its status; snapshot: the file saved before the changes, if any.
  virtual void result(const reconcile::ApplyReport& report, const std::string& snapshot) = 0;
};

// text: to out, with colours when color; json: one document to out. Failures go to err in both.
std::unique_ptr<ApplyOutput> makeApplyOutput(OutputFormat format, bool color,
                                             const std::string& specPath, std::ostream& out,
                                             std::ostream& err);

// SPEC.md's exit code of an apply that ended with status.
int exitCodeOf(reconcile::ApplyStatus status, bool detailedExitcode);

}  // namespace sriov::cmd
