// The seam between sriov-apply and a host: HostReader observes, Host also changes things.
// LinuxHost talks to sysfs, netlink and libvirt; SimulatedHost keeps a host in memory. Created
// in one place only (the CLI), passed by reference to whatever needs it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "reconcile/host_change.h"
#include "reconcile/observed_state.h"
#include "reconcile/result.h"

namespace sriov::reconcile {

class HostReader {
 public:
  virtual ~HostReader() = default;

  // One pass over the whole host. Fails only when the host cannot be read at all (libvirt
  // unreachable, sysfs missing); the error names the object and the cause.
  virtual Result<ObservedState> observe() = 0;
};

// Every mutator below follows one contract, like ninja's DiskInterface:
//  - It makes one change and returns only when the host shows it (or the change failed).
//  - It returns an empty Result on success, or an Error whose message is one sentence naming the
//    object and the cause ("cannot start network lab: ...") and whose code is the errno or the
//    libvirt error number when one is known (0 otherwise). It never throws for host failures.
//  - On failure the caller may assume nothing changed that the change named, except where the
//    method says otherwise (setVf may have applied some fields); the executor verifies by
//    observing again and rolls back from what it observes, not from what it asked.
//  - Arguments are the canonical forms the observed state uses: PCI addresses normalised
//    ("0000:03:00.0"), network and domain names as libvirt knows them.
// LinuxHost and SimulatedHost both implement this contract; tests/unit/test_simulated_host.cpp
// holds the simulator to the kernel's and libvirt's rules, tests/integration holds LinuxHost.
class Host : public HostReader {
 public:
  // Whether the executor may call this host from several threads at once (independent actions
  // run in parallel); when false it calls one method at a time.
  virtual bool threadSafe() const { return false; }

  // Writes sriov_numvfs of the PF at pfPci and waits until the VFs are ready (their PCI devices,
  // driver and netdev present). The kernel's rules apply: same count is a no-op, EBUSY when
  // changing a non-zero count to another non-zero count, ERANGE above totalvfs, ENOENT without a
  // PF driver. After success: observe() shows exactly count VFs, in their new-VF defaults.
  virtual Result<void> setNumVfs(const std::string& pfPci, unsigned count) = 0;
  // Applies the set fields of change to VF index of the PF at pfPci through the PF's netdev
  // (IFLA_VF_*); unset fields are left as they are. Fails with ENODEV when the PF has no netdev,
  // EINVAL/EOPNOTSUPP when the driver refuses a value. On failure some earlier fields may have
  // been applied (one netlink message per attribute). After success: observe() shows the values.
  virtual Result<void> setVf(const std::string& pfPci, unsigned index, const VfChange& change) = 0;
  // Binds the VF at vfPci to driver (driver_override + drivers_probe), unbinding it first. Fails
  // when the driver does not bind (the error names both). After success: the VF's driver is
  // driver, and it has a netdev only if driver is its network VF driver.
  virtual Result<void> bindVfDriver(const std::string& vfPci, const std::string& driver) = 0;
  // Sets the PF netdev administratively up or down (IFF_UP). Fails with ENODEV when the PF has
  // no netdev. After success: the PF's admin state is state (the carrier may follow later).
  virtual Result<void> setLink(const std::string& pfPci, Link state) = 0;

  // Defines the network in xml (a whole <network>), or redefines one of the same name; a
  // redefinition keeps its active and autostart flags. Fails when libvirt rejects the XML or is
  // unreachable. After success: the network's persistent definition is xml.
  virtual Result<void> defineNetwork(const std::string& xml) = 0;
  // Starts a defined, inactive network. Fails when it is already active, undefined, or (a
  // <pf dev> pool) its PF has no VFs. After success: the network is active.
  virtual Result<void> startNetwork(const std::string& name) = 0;
  // Stops an active network (virNetworkDestroy). Fails when it is not active. After success: it
  // is inactive, still defined unless it was transient.
  virtual Result<void> stopNetwork(const std::string& name) = 0;
  // Removes a network's persistent definition; an active network stays, transient. Fails when
  // the network does not exist. After success: no persistent definition of name.
  virtual Result<void> undefineNetwork(const std::string& name) = 0;
  // Sets whether a defined network starts with libvirtd. Fails when it does not exist.
  virtual Result<void> setNetworkAutostart(const std::string& name, bool autostart) = 0;

  // attach/detach/update: deviceXml is one <interface> or <hostdev> element; scope says which
  // definitions change (live needs a running guest). They fail when the domain does not exist,
  // live is asked of a stopped guest, the device is in use by another running guest (attach),
  // is not there (detach/update), or libvirt refuses (a live update of a hostdev interface).
  // After success the named definitions hold (attach, update) or no longer hold (detach) the
  // device. A live detach waits for the guest to release the device (the detach timeout); one
  // the guest does not complete fails and leaves the device where it was, config included.
  virtual Result<void> attachDevice(const std::string& domain, const std::string& deviceXml,
                                    DeviceScope scope) = 0;
  virtual Result<void> detachDevice(const std::string& domain, const std::string& deviceXml,
                                    DeviceScope scope) = 0;
  virtual Result<void> updateDevice(const std::string& domain, const std::string& deviceXml,
                                    DeviceScope scope) = 0;
  // Asks the guest to shut down (ACPI) and waits up to timeout for it to stop. Fails when it
  // does not exist or is still running at the timeout (it is not forced off). After success: the
  // guest is shut off and its live-only devices are gone.
  virtual Result<void> shutdownGuest(const std::string& domain, std::chrono::seconds timeout) = 0;
  // Starts a defined, shut-off guest. Fails when its devices, IOMMU or networks are not
  // available. After success: the guest is running with its config definition.
  virtual Result<void> startGuest(const std::string& domain) = 0;

  // Writes a whole file atomically (temp file + fsync + rename), mode 0644. Fails with the
  // errno of the step that failed; the old content, if any, is then still there.
  virtual Result<void> writeFile(const std::string& path, const std::string& content) = 0;
  // Removes a file; a file that is not there is no error. After success: path does not exist.
  virtual Result<void> removeFile(const std::string& path) = 0;
};

}  // namespace sriov::reconcile
