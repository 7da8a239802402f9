// The one place a Host is created: the real LinuxHost, or a SimulatedHost from --state.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cmd/options.h"
#include "reconcile/host/host.h"
#include "reconcile/result.h"

namespace sriov::cmd {

struct HostHandle {
  std::unique_ptr<reconcile::Host> host;
  // Keeps what the host became: a simulated host writes its state file back; the real host
  // needs nothing.
  std::function<Result<void>()> save;
  bool simulated = false;
};

// How the host is observed and waited on, beyond where it is (HostOptions).
struct HostTuning {
  bool libvirt = true;                  // false: --phase host, libvirt is neither read nor changed
  std::vector<std::string> ownedFiles;  // observed with the host (the persistence rules)
  std::chrono::seconds settleTimeout{120};
  std::chrono::seconds detachTimeout{30};            // a live detach waits this long for the guest
  std::function<void(const std::string&)> progress;  // "waiting for VFs of ..." lines
};

// The one mapping from plan / apply options to the host's tuning (progress is the caller's).
HostTuning tuningOf(const ApplyOptions& options);

Result<HostHandle> makeHost(const HostOptions& options, const HostTuning& tuning);

// A host that is observed once and never changed (plan, show): the real host, or a state file's
// host whose state is handed over to that one observe rather than copied (SimulatedHost::handOver).
Result<std::unique_ptr<reconcile::HostReader>> makeReader(const HostOptions& options,
                                                          const HostTuning& tuning);

}  // namespace sriov::cmd
