// Waiting until a PF's VFs are ready after its sriov_numvfs was written: udev events on the
// running kernel's /sys, polling on any other sysfs root (a test tree, where no event comes).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/result.h"

struct udev;
struct udev_monitor;

namespace sriov::reconcile {

// Told what is being waited for, at most once per second: "waiting for VFs of eth3: 2/4 ready".
using ProgressCallback = std::function<void(const std::string&)>;

// How the waiter learns that something changed.
//   udev: a udev monitor on the subsystems pci and net (events after udev processed them,
//         i.e. after module loading and interface renaming), and udev's database to tell
//         whether udev has finished with a device. Only for the real /sys with udevd running.
//   poll: re-reads the tree every 50 ms; udev's database is not consulted.
enum class SettleMode { udev, poll };

// udev mode when root is "/sys" and udevd runs (/run/udev/control exists), else poll.
SettleMode settleModeFor(const std::string& sysfsRoot);

// How VfSettler::waitForHostDriver ended: the VF is ready on a host driver (or gone), it is
// still on a passthrough stub (libvirt left it there), or the timeout passed first.
enum class HostDriverWait { back, leftOnStub, timedOut };

// How far a PF's VFs are. A VF is ready when
//   1. the PF's virtfnN link exists;
//   2. it has a driver bound, when one is expected: the PF is a network device (has a
//      netdev) and its sriov_drivers_autoprobe is not 0. VFs of other PFs (NVMe, ...) may
//      stay unbound, and so may every VF with autoprobe off (then nothing binds them);
//   3. it has a netdev, when it is bound on a network PF to a driver that is not a
//      passthrough stub (vfio-pci and other vfio*, pci-stub, uio*);
//   4. udev mode only: udev has finished the VF's add event and each of its netdevs' (so
//      the netdev has its final, renamed name).
// For a count of 0, done means: no virtfn link is left.
struct VfProgress {
  unsigned ready = 0;
  unsigned wanted = 0;
  std::vector<std::string> missing;  // "VF 2 (0000:03:10.4) has no driver bound", ...
  bool done() const { return missing.empty(); }
};

class VfSettler {
 public:
  // Starts listening (udev mode: the monitor is created here): call BEFORE writing
  // sriov_numvfs, so that no event falls between the write and the wait. pfLabel names the
  // PF in messages.
  static Result<VfSettler> start(std::string sysfsRoot, std::string pfPci, std::string pfLabel,
                                 SettleMode mode);

  // Waits until the PF has count ready VFs (count 0: none left), re-checking sysfs after each
  // event and at least every second. Calls progress (when set) at most once per second.
  // Fails after timeout with "VFs of PF not ready within T s (R/N ready): <what is missing>"
  // or "VFs of PF not removed within T s: virtfn0, virtfn1 still exist".
  Result<void> wait(unsigned count, std::chrono::milliseconds timeout,
                    const ProgressCallback& progress);

  // One look at the tree (and udev's database in udev mode).
  Result<VfProgress> check(unsigned count) const;

  // After a guest let go of the PF's VF vfPci ("0000:03:10.0") that libvirt manages and was to
  // give back: libvirt rebinds it (clears driver_override, unbinds it from the stub, probes a
  // host driver) before the device leaves the guest's live XML, so from then on only udev (the
  // netdev's rename) and a late driver are waited for, until the VF is ready as above. A VF
  // still on a passthrough stub (vfio-pci, ...) by then stays there: that is said at once.
  Result<HostDriverWait> waitForHostDriver(const std::string& vfPci,
                                           std::chrono::milliseconds timeout,
                                           const ProgressCallback& progress);

 private:
  // What a ready VF of the PF must have.
  struct Expect {
    bool netdev = false;  // a netdev (the PF is a network device), unless on a stub
    bool driver = false;  // a driver bound (network PF, sriov_drivers_autoprobe not 0)
  };
  static Result<Expect> expectationsOf(const std::string& pfDir);
  // Why VF index of the PF folder pfDir is not ready; nullopt when it is.
  Result<std::optional<std::string>> missingOf(const std::string& pfDir, unsigned index,
                                               Expect expect) const;

  struct UdevDeleter {
    void operator()(udev* u) const;
  };
  struct MonitorDeleter {
    void operator()(udev_monitor* m) const;
  };
  VfSettler(std::string sysfsRoot, std::string pfPci, std::string pfLabel);
  // Blocks until an event arrives (udev) or a poll interval passed, at most for limit.
  void pause(std::chrono::milliseconds limit);
  Result<bool> udevInitialized(const std::string& path) const;

  std::string root_;
  std::string pfPci_;
  std::string pfLabel_;
  std::unique_ptr<udev, UdevDeleter> udev_;  // null in poll mode
  std::unique_ptr<udev_monitor, MonitorDeleter> monitor_;
};

}  // namespace sriov::reconcile
