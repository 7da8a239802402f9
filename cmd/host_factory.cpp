// Creating the host a subcommand works on, from the command line's host options.
#include "cmd/host_factory.h"

#include "reconcile/host/linux_host.h"
#include "reconcile/simulated/simulated_host.h"

namespace sriov::cmd {

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
    if (tuning.observeOnce) simulated->observeOnce();
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

}  // namespace sriov::cmd
