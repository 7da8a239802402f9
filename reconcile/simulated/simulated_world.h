// The world of a SimulatedHost: the state one mutation changes (with an undo record of what a
// guest's mutation touched, so that a failure changes nothing), the lookups into it, the
// kernel's VF defaults, and errors worded as the kernel and libvirt word them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "reconcile/host_change.h"
#include "reconcile/observed_state.h"
#include "reconcile/result.h"

namespace sriov::reconcile {

// The driver the kernel binds a new VF to: igb -> igbvf, ixgbe -> ixgbevf, i40e and ice ->
// iavf, mlx5_core and nvme stay, anything else: the PF's own driver.
std::string vfDriverFor(const std::string& pfDriver);
// The netlink settings of a VF the kernel just created: all zero, and on igb spoof checking on
// and trust off (seen in tests/e2e; unreported for drivers not seen).
VfNetlink newVfSettings(const std::string& pfDriver);

// A std::map that, while recording, keeps the value each key had before its first change, so
// that undo() puts them back: a failed mutation costs what it touched, not a copy of the map.
// Every access that may change a key (operator[], non-const at and find, emplace, erase, clear)
// counts as a change; iteration is read-only.
template <typename Key, typename Value>
class JournaledMap {
 public:
  using Map = std::map<Key, Value>;
  using iterator = typename Map::iterator;
  using const_iterator = typename Map::const_iterator;

  Value& operator[](const Key& key) { return touch(key), map_[key]; }
  Value& at(const Key& key) { return touch(key), map_.at(key); }
  const Value& at(const Key& key) const { return map_.at(key); }
  iterator find(const Key& key) { return touch(key), map_.find(key); }
  const_iterator find(const Key& key) const { return map_.find(key); }
  size_t count(const Key& key) const { return map_.count(key); }
  bool empty() const { return map_.empty(); }
  size_t size() const { return map_.size(); }
  const_iterator begin() const { return map_.begin(); }
  const_iterator end() const { return map_.end(); }
  template <typename... Args>
  std::pair<iterator, bool> emplace(const Key& key, Args&&... args) {
    touch(key);
    return map_.emplace(key, std::forward<Args>(args)...);
  }
  size_t erase(const Key& key) { return touch(key), map_.erase(key); }
  iterator erase(iterator at) { return touch(at->first), map_.erase(at); }
  void clear() {
    for (const auto& entry : map_) touch(entry.first);
    map_.clear();
  }
  friend bool operator==(const JournaledMap& a, const JournaledMap& b) { return a.map_ == b.map_; }

  // Starts a record (dropping any earlier one), puts every recorded key back, or drops it.
  void record() { journal_.emplace(); }
  void undo() {
    if (!journal_) return;
    for (auto& [key, before] : *journal_) {
      if (before)
        map_.insert_or_assign(key, std::move(*before));
      else
        map_.erase(key);
    }
    journal_.reset();
  }
  void commit() { journal_.reset(); }

 private:
  void touch(const Key& key) {
    if (!journal_ || journal_->count(key)) return;
    auto it = map_.find(key);
    journal_->emplace(key, it == map_.end() ? std::optional<Value>() : std::optional(it->second));
  }

  Map map_;
  std::optional<std::map<Key, std::optional<Value>>> journal_;
};

// Everything a mutation may change. A mutation of the kernel side checks before it writes; one
// of a network copies the world (there are few networks); one of a guest records what it
// touches: the guest (SimulatedHost), the leases (JournaledMap) and the VFs (touchVf, with what
// libvirt saved of them), and undo() puts those back.
struct SimulatedWorld {
  // What libvirt saved of each VF a guest's interface holds is in the state
  // (ObservedVf::libvirtSaved), as LinuxHost observes it: a state file carries it.
  ObservedState state;
  // VFs of hostdev networks held by running guests' network interfaces: VF PCI -> holder.
  struct Lease {
    std::string domain;
    std::string device;    // the interface's MAC, else its alias
    bool managed = false;  // the network's <forward managed>: bound to vfio-pci while held
    friend bool operator==(const Lease&, const Lease&) = default;
  };
  JournaledMap<std::string, Lease> leases;
  // While recording: each VF's value before the mutation's first change to it, by VF PCI.
  std::optional<std::map<std::string, ObservedVf>> touchedVfs;

  // Call before changing vf during a recorded mutation.
  void touchVf(const ObservedVf& vf) {
    if (touchedVfs) touchedVfs->emplace(vf.pci, vf);
  }
  void record();
  void undo();  // the leases and VFs as record() found them
  void commit();
  friend bool operator==(const SimulatedWorld& a, const SimulatedWorld& b) {
    return a.state == b.state && a.leases == b.leases;
  }
};

namespace simulated {

// The VF at pci and its PF; nullptr members when there is none.
struct VfAt {
  ObservedPf* pf = nullptr;
  ObservedVf* vf = nullptr;
};
VfAt findVf(ObservedState& state, const std::string& pci);
ObservedPf* findPf(ObservedState& state, const std::string& pci);
ObservedNetwork* findNetwork(ObservedState& state, const std::string& name);
// A PCI address in its normal form, else as given.
std::string pciLabel(const std::string& pci);

// The netdev name a VF has with its current driver: `<pf>v<index>` while bound to the PF's
// network VF driver and the PF has a netdev, else none.
std::string vfNetdevName(const ObservedPf& pf, const ObservedVf& vf);

// Whether a guest's domain is up (its live devices are in use): anything but shut off.
bool active(const ObservedDomain& domain);

// "<what>: <strerror>" plus the kernel's explanation in parentheses when there is one.
Error kernelError(const std::string& what, int code, const std::string& detail = "");
// "<what>: <libvirt's prefix for code><message>", e.g. "cannot start network 'n': Requested
// operation is not valid: network is already active"; code is the virErrorNumber.
Error libvirtError(const std::string& what, int code, const std::string& message);
// libvirt's error for a network name it does not know (virNetworkLookupByName).
Error noNetwork(const std::string& what, const std::string& name);

// A uuid libvirt would have generated, made up deterministically from key; xml with it as the
// <uuid> right after <name>.
std::string uuidFor(const std::string& key);
std::string withUuid(const std::string& xml, const std::string& uuid);

}  // namespace simulated
}  // namespace sriov::reconcile
