// Creating the host a subcommand works on, from the command line's host options.
#include "cmd/host_factory.h"

#include "reconcile/host/linux_host.h"
#include "reconcile/host/simulated_host.h"

namespace sriov::cmd {

Result<std::unique_ptr<reconcile::Host>> makeHost(const HostOptions& options,
                                                  const std::vector<std::string>& ownedFiles) {
  if (!options.stateFile.empty()) {
    Result<reconcile::SimulatedHost> loaded = reconcile::SimulatedHost::load(options.stateFile);
    if (!loaded) return loaded.error();
    return std::unique_ptr<reconcile::Host>(
        std::make_unique<reconcile::SimulatedHost>(std::move(loaded).value()));
  }
  reconcile::LinuxHostOptions linux;
  linux.sysfsRoot = options.sysfsRoot;
  linux.connectUri = options.connectUri;
  linux.ownedFiles = ownedFiles;
  return std::unique_ptr<reconcile::Host>(std::make_unique<reconcile::LinuxHost>(linux));
}

}  // namespace sriov::cmd
