// SIGINT and SIGTERM: default while apply reads its inputs, a stop flag once it can act on them.
#include "cmd/stop_signal.h"

#include <csignal>

namespace sriov::cmd {
namespace {

std::atomic<bool> stopRequested{false};
std::atomic<bool> managed{false};

extern "C" void onStopSignal(int) {
  stopRequested = true;
}

void install(void (*handler)(int)) {
  if (!managed) return;
  std::signal(SIGINT, handler);
  std::signal(SIGTERM, handler);
}

}  // namespace

const std::atomic<bool>* stopFlag() {
  return &stopRequested;
}

void manageStopSignals() {
  managed = true;
}

void armStopSignals() {
  install(onStopSignal);
}

void defaultStopSignals() {
  install(SIG_DFL);
}

}  // namespace sriov::cmd
