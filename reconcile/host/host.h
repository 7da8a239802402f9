// The seam between sriov-apply and a host: HostReader observes, Host also changes things.
// LinuxHost talks to sysfs, netlink and libvirt; SimulatedHost keeps a host in memory. Created
// in one place only (the CLI), passed by reference to whatever needs it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "reconcile/observed_state.h"
#include "reconcile/result.h"

namespace sriov::reconcile {

// Which definitions of a domain a device change affects (virDomainModificationImpact).
// config is always wanted; live only for a running guest (libvirt refuses it otherwise).
struct DeviceScope {
  bool live = false;
  bool config = true;
};

enum class Link { up, down };

// A change to one VF's PF-side settings; unset fields are left as they are.
struct VfChange {
  std::optional<std::string> mac;
  std::optional<unsigned> vlan;  // set together with qos
  std::optional<unsigned> qos;
  std::optional<bool> spoofCheck;
  std::optional<bool> trust;
  std::optional<LinkState> linkState;
  std::optional<uint32_t> minTxRate;  // min and max are set together (IFLA_VF_RATE)
  std::optional<uint32_t> maxTxRate;
};

class HostReader {
 public:
  virtual ~HostReader() = default;

  // One pass over the whole host. Fails only when the host cannot be read at all (libvirt
  // unreachable, sysfs missing); the error names the object and the cause.
  virtual Result<ObservedState> observe() = 0;
};

class Host : public HostReader {
 public:
  // Whether the executor may call this host from several threads at once (independent actions
  // run in parallel); when false it calls one method at a time.
  virtual bool threadSafe() const { return false; }

  // Writes sriov_numvfs of the PF at pfPci (normalised PCI address) and waits until the VFs
  // are ready. The kernel's rules apply: same count is a no-op, EBUSY when changing a
  // non-zero count to another non-zero count, ERANGE above totalvfs, ENOENT without a driver.
  virtual Result<void> setNumVfs(const std::string& pfPci, unsigned count) = 0;
  virtual Result<void> setVf(const std::string& pfPci, unsigned index, const VfChange& change) = 0;
  // Binds the VF to driver (driver_override + drivers_probe), unbinding it first.
  virtual Result<void> bindVfDriver(const std::string& vfPci, const std::string& driver) = 0;
  // Sets the PF netdev administratively up or down (IFF_UP).
  virtual Result<void> setLink(const std::string& pfPci, Link state) = 0;

  virtual Result<void> defineNetwork(const std::string& xml) = 0;  // define or redefine
  virtual Result<void> startNetwork(const std::string& name) = 0;
  virtual Result<void> stopNetwork(const std::string& name) = 0;  // virNetworkDestroy
  virtual Result<void> undefineNetwork(const std::string& name) = 0;
  virtual Result<void> setNetworkAutostart(const std::string& name, bool autostart) = 0;

  // deviceXml is one <interface> or <hostdev> element.
  virtual Result<void> attachDevice(const std::string& domain, const std::string& deviceXml,
                                    DeviceScope scope) = 0;
  virtual Result<void> detachDevice(const std::string& domain, const std::string& deviceXml,
                                    DeviceScope scope) = 0;
  virtual Result<void> updateDevice(const std::string& domain, const std::string& deviceXml,
                                    DeviceScope scope) = 0;
  // Asks the guest to shut down and waits up to timeout for it to stop.
  virtual Result<void> shutdownGuest(const std::string& domain, std::chrono::seconds timeout) = 0;
  virtual Result<void> startGuest(const std::string& domain) = 0;

  // Writes a whole file atomically (temp file + rename), mode 0644.
  virtual Result<void> writeFile(const std::string& path, const std::string& content) = 0;
  // Removes a file; a file that is not there is no error.
  virtual Result<void> removeFile(const std::string& path) = 0;
};

}  // namespace sriov::reconcile
