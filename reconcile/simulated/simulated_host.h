// SimulatedHost: a Host kept in memory that obeys the kernel's and libvirt's rules, the fake for
// planner and executor tests, the `--state FILE` mode and the demo.
//
// Kernel (drivers/pci/iov.c sriov_numvfs_store, rtnetlink, the VF drivers):
//  - setNumVfs: ERANGE above totalVfs; same count is a no-op; ENOENT without a PF driver; EBUSY
//    from one non-zero count to another. VF i appears at PF + offset + stride * i, named
//    `<pf>v<i>` (systemd's predictable name for a VF of a named PF; none for a PF without a
//    netdev), bound to the PF driver's VF driver (vfDriverFor), settings newVfSettings. Removing
//    VFs that a running guest uses fails (the kernel would yank them from under the guest).
//  - setVf: EINVAL for vlan > 4095, qos > 7, a multicast or malformed MAC, minTxRate > maxTxRate,
//    a VF index out of range; EOPNOTSUPP for linkState on igb; EINVAL for minTxRate on igb,
//    and for any rate on igb while the PF is down (no link); ENODEV for a PF without a netdev.
//  - bindVfDriver: a VF has a netdev only while bound to its network VF driver.
// libvirt (messages as libvirt 9 words them, after "cannot <do what>: "):
//  - networks: define/redefine (keeps active and autostart), start (not twice; a `<pf dev>` pool
//    needs VFs), stop, undefine (an active network becomes transient), autostart.
//  - domains: attach/detach/update with DeviceScope; live needs a running guest; a PCI device
//    goes to one running guest at a time; a hostdev network hands each VF to one guest; live
//    update of a hostdev interface is unsupported; start needs the VFs, the IOMMU and active
//    networks. A managed device in use by a running guest is bound to vfio-pci and, for an
//    interface, gets the guest's MAC and VLAN through the PF after libvirt saved the VF's own
//    (ObservedVf::libvirtSaved, in the state as LinuxHost reads libvirt's files); those are
//    given back (the VF netdev's MAC, else the admin MAC; the VLAN) when the guest lets go.
//  - Which VF of a hostdev network each running guest's interface holds is not in the state
//    file: it is derived (running guests by name, first free VF of the pool), like libvirt does
//    again when it restarts.
// Files written with writeFile are kept in the state (ObservedState::files), so save() keeps them.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/host/host.h"
#include "reconcile/simulated/simulated_world.h"

namespace sriov::reconcile {

class SimulatedHost : public Host {
 public:
  explicit SimulatedHost(ObservedState state);

  static Result<SimulatedHost> load(const std::string& path);
  // Writes the current state as a state file (temp file + rename).
  Result<void> save(const std::string& path) const;

  Result<ObservedState> observe() override;
  // Every method takes one lock; a settle delay is waited outside it.
  bool threadSafe() const override { return true; }

  Result<void> setNumVfs(const std::string& pfPci, unsigned count) override;
  Result<void> setVf(const std::string& pfPci, unsigned index, const VfChange& change) override;
  Result<void> bindVfDriver(const std::string& vfPci, const std::string& driver) override;
  Result<void> setLink(const std::string& pfPci, Link state) override;

  Result<void> defineNetwork(const std::string& xml) override;
  Result<void> startNetwork(const std::string& name) override;
  Result<void> stopNetwork(const std::string& name) override;
  Result<void> undefineNetwork(const std::string& name) override;
  Result<void> setNetworkAutostart(const std::string& name, bool autostart) override;

  Result<void> attachDevice(const std::string& domain, const std::string& deviceXml,
                            DeviceScope scope) override;
  Result<void> detachDevice(const std::string& domain, const std::string& deviceXml,
                            DeviceScope scope) override;
  Result<void> updateDevice(const std::string& domain, const std::string& deviceXml,
                            DeviceScope scope) override;
  Result<void> shutdownGuest(const std::string& domain, std::chrono::seconds timeout) override;
  Result<void> startGuest(const std::string& domain) override;

  Result<void> writeFile(const std::string& path, const std::string& content) override;
  Result<void> removeFile(const std::string& path) override;

  // ---- For tests -------------------------------------------------------------------------
  // Mutation n (1-based, counting every call of a mutating method) fails with error and changes
  // nothing.
  void failAt(unsigned n, Error error);
  // Every mutation after the n-th fails with "host stopped dead after mutation n" (a crash).
  void stopAfter(unsigned n);
  // setNumVfs to a non-zero count then waits this long, as a real host waits for its VFs to
  // settle (for benchmarks of parallel execution).
  void setSettleDelay(std::chrono::milliseconds delay) { settleDelay_ = delay; }
  // observe() as at boot before libvirt started (--phase host): no networks and no domains;
  // the running domains and active networks are named in libvirtActive, as LinuxHost reads them
  // from libvirt's runtime folder. The planner asks libvirt for nothing then.
  void hideLibvirt() { libvirtHidden_ = true; }
  // What observe() would return, with the world's state moved rather than copied (at 4,000 VFs
  // the copy is a third of a plan's memory): for a host that is read once and never changed
  // (plan and show on a state file); the host is left empty.
  ObservedState handOver() &&;
  unsigned mutationCount() const { return mutationCount_; }
  // Every mutation call in order, e.g. "setNumVfs 0000:01:00.0 3", whether it succeeded or not.
  const std::vector<std::string>& mutations() const { return mutations_; }
  const std::map<std::string, std::string>& files() const { return world_.state.files; }
  const ObservedState& state() const { return world_.state; }
  // Also copy the whole world before each checked or guest mutation, and count the failed
  // ones that left the world other than it was (the undo record missed something).
  void checkUndo() { checkUndo_ = true; }
  unsigned undoMismatches() const { return undoMismatches_; }

 private:
  // Runs one mutation, counting and logging the call and applying the injected faults; a
  // failed one leaves the world as it was. mutate: on a copy of the world, kept only when it
  // succeeds (networks: few). mutateChecked: in place, for rules that check everything before
  // they write (the kernel's). mutateGuest: in place with an undo record of the guest domain,
  // the leases and the VFs it touches (with what libvirt saved of them).
  template <typename Change>
  Result<void> mutate(std::string description, Change change);
  template <typename Change>
  Result<void> mutateChecked(std::string description, Change change);
  template <typename Change>
  Result<void> mutateGuest(std::string description, const std::string& domain, Change change);
  // A state of the world as observe() shows it: sorted, libvirt hidden when it is.
  ObservedState shown(ObservedState state) const;
  // The injected faults of the mutation just counted, if one applies.
  std::optional<Error> fault(std::string description);
  // Runs change in place; on failure undo() puts the world back; with checkUndo_ compares.
  template <typename Change, typename Undo>
  Result<void> inPlace(Change& change, Undo undo);

  SimulatedWorld world_;
  std::unique_ptr<std::mutex> mutex_ = std::make_unique<std::mutex>();
  std::chrono::milliseconds settleDelay_{0};
  unsigned mutationCount_ = 0;
  bool libvirtHidden_ = false;
  std::vector<std::string> mutations_;
  std::optional<std::pair<unsigned, Error>> failAt_;
  std::optional<unsigned> stopAfter_;
  bool checkUndo_ = false;
  unsigned undoMismatches_ = 0;
};

// The mutation template is here: the kernel's, the networks' and the guests' rules are each in
// their own file (simulated_kernel.cpp, simulated_networks.cpp, simulated_host.cpp).
template <typename Change>
Result<void> SimulatedHost::mutate(std::string description, Change change) {
  std::lock_guard<std::mutex> lock(*mutex_);
  if (std::optional<Error> injected = fault(std::move(description))) return *injected;
  SimulatedWorld next = world_;
  Result<void> result = change(next);
  if (result) world_ = std::move(next);
  return result;
}

template <typename Change, typename Undo>
Result<void> SimulatedHost::inPlace(Change& change, Undo undo) {
  std::optional<SimulatedWorld> before;
  if (checkUndo_) before = world_;
  Result<void> result = change(world_);
  if (!result) undo();
  if (!result && before && !(*before == world_)) ++undoMismatches_;
  return result;
}

template <typename Change>
Result<void> SimulatedHost::mutateChecked(std::string description, Change change) {
  std::lock_guard<std::mutex> lock(*mutex_);
  if (std::optional<Error> injected = fault(std::move(description))) return *injected;
  return inPlace(change, [] {});
}

template <typename Change>
Result<void> SimulatedHost::mutateGuest(std::string description, const std::string& domain,
                                        Change change) {
  std::lock_guard<std::mutex> lock(*mutex_);
  if (std::optional<Error> injected = fault(std::move(description))) return *injected;
  std::vector<ObservedDomain>& domains = world_.state.domains;
  auto named = [&] {
    return std::find_if(domains.begin(), domains.end(),
                        [&](const ObservedDomain& d) { return d.name == domain; });
  };
  auto it = named();
  std::optional<ObservedDomain> guest;
  size_t index = static_cast<size_t>(it - domains.begin());
  if (it != domains.end()) guest = *it;
  world_.record();
  Result<void> result = inPlace(change, [&] {
    world_.undo();
    auto now = named();
    if (guest && now != domains.end())
      *now = std::move(*guest);
    else if (guest)
      domains.insert(domains.begin() + static_cast<std::ptrdiff_t>(std::min(index, domains.size())),
                     std::move(*guest));
    else if (now != domains.end())
      domains.erase(now);
  });
  if (result) world_.commit();
  return result;
}

}  // namespace sriov::reconcile
