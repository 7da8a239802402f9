// SIGINT and SIGTERM for apply: they end the run as usual while its inputs are read (a spec or
// state file on a FIFO or a terminal must not block Ctrl-C), and only once apply can act on them
// (waiting for the lock, executing) do they set a stop flag that lets running actions finish and
// then rolls back.
#pragma once

#include <atomic>

namespace sriov::cmd {

// The flag the handler sets; apply's executor and the lock wait poll it.
const std::atomic<bool>* stopFlag();

// The command line calls this for a real apply: from now on armStopSignals() and
// defaultStopSignals() take effect. Without it (unit tests calling runApply) both do nothing.
void manageStopSignals();

// SIGINT and SIGTERM set the stop flag (inputs are read; apply acts on the signal).
void armStopSignals();

// SIGINT and SIGTERM have their default action again: the process ends (while reading input,
// before anything on the host has changed).
void defaultStopSignals();

}  // namespace sriov::cmd
