// Creating the host a subcommand works on, from the command line's host options.
#include "cmd/host_factory.h"

#include <optional>

#include "reconcile/host/linux_host.h"
#include "reconcile/simulated/simulated_host.h"

namespace sriov::cmd {
namespace {

// A state file's host as observe() shows it, read once: the state is moved out to the caller.
class HandedOverState : public reconcile::HostReader {
 public:
  explicit HandedOverState(reconcile::ObservedState state) : state_(std::move(state)) {}
  Result<reconcile::ObservedState> observe() override {
    if (!state_) return Error{"the state file's host was read once and handed over its state", 0};
    reconcile::ObservedState state = std::move(*state_);
    state_.reset();
    return state;
  }

 private:
  std::optional<reconcile::ObservedState> state_;
};

}  // namespace

HostTuning tuningOf(const ApplyOptions& options) {
  HostTuning tuning;
  // Before libvirt starts (--phase host) the host is observed and changed without it.
  tuning.libvirt = options.phase != "host";
  tuning.ownedFiles = {options.persistFile};
  tuning.settleTimeout = std::chrono::seconds(options.settleTimeoutSeconds);
  tuning.detachTimeout = std::chrono::seconds(options.detachTimeoutSeconds);
  return tuning;
}

Result<HostHandle> makeHost(const HostOptions& options, const HostTuning& tuning) {
  HostHandle handle;
  if (!options.stateFile.empty()) {
    Result<reconcile::SimulatedHost> loaded = reconcile::SimulatedHost::load(options.stateFile);
    if (!loaded) return loaded.error();
    auto simulated = std::make_unique<reconcile::SimulatedHost>(std::move(loaded).value());
    if (!tuning.libvirt) simulated->hideLibvirt();
    reconcile::SimulatedHost* raw = simulated.get();
    std::string path = options.stateFile;
    // A run that changed nothing (no changes, refused, a plan) leaves the file as it was, its
    // comments and layout included.
    handle.save = [raw, path] {
      if (raw->mutationCount() == 0) return Result<void>();
      return raw->save(path);
    };
    handle.host = std::move(simulated);
    handle.simulated = true;
    return handle;
  }
  reconcile::LinuxHostOptions linux;
  linux.sysfsRoot = options.sysfsRoot;
  linux.connectUri = options.connectUri;
  linux.ownedFiles = tuning.ownedFiles;
  linux.libvirt = tuning.libvirt ? reconcile::UseLibvirt::yes : reconcile::UseLibvirt::no;
  // A sysfs root other than /sys is a copy or a test tree: its PFs are not the running kernel's,
  // so netlink (which asks the kernel) is not consulted for link state and VF settings.
  linux.netlink =
      options.sysfsRoot == "/sys" ? reconcile::UseNetlink::yes : reconcile::UseNetlink::no;
  linux.settleTimeout = tuning.settleTimeout;
  linux.detachTimeout = tuning.detachTimeout;
  if (tuning.progress) linux.progress = tuning.progress;
  handle.host = std::make_unique<reconcile::LinuxHost>(linux);
  handle.save = [] { return Result<void>(); };
  return handle;
}

Result<std::unique_ptr<reconcile::HostReader>> makeReader(const HostOptions& options,
                                                          const HostTuning& tuning) {
  if (options.stateFile.empty()) {
    Result<HostHandle> real = makeHost(options, tuning);
    if (!real) return real.error();
    return std::unique_ptr<reconcile::HostReader>(std::move(real.value().host));
  }
  Result<reconcile::SimulatedHost> loaded = reconcile::SimulatedHost::load(options.stateFile);
  if (!loaded) return loaded.error();
  if (!tuning.libvirt) loaded.value().hideLibvirt();
  return std::unique_ptr<reconcile::HostReader>(
      std::make_unique<HandedOverState>(std::move(loaded).value().handOver()));
}

}  // namespace sriov::cmd
