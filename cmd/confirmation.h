// Asking before a disruptive apply on a terminal, as terraform does: when a person runs `apply`
// (standard input and output are terminals) and the plan detaches, restarts or re-creates
// something, the plan is shown and only "yes" goes on. Pipelines and configuration management
// (no terminal) are never asked.
#pragma once

#include <atomic>
#include <ostream>

#include "cmd/options.h"
#include "reconcile/plan.h"

namespace sriov::cmd {

// Whether to ask: text output, no --yes, both terminals, and an action at detach or above.
bool confirmationNeeded(const reconcile::Plan& plan, const ApplyOptions& options, bool inTerminal,
                        bool outTerminal);

// Asks on out and reads one line from fd: true only for "yes". A stop (Ctrl-C) or the end of
// input is a no.
bool confirmed(const reconcile::Plan& plan, int fd, std::ostream& out,
               const std::atomic<bool>* stop);

}  // namespace sriov::cmd
