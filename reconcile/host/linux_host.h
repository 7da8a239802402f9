// The real host: sysfs under a root directory, rtnetlink for VF settings, libvirt's C API.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/host/host.h"
#include "reconcile/host/link_wait.h"
#include "reconcile/host/sysfs_reader.h"
#include "reconcile/host/vf_settle.h"

namespace sriov::reconcile {

// Whether observe() asks the kernel over netlink for the network PFs' link state and VF
// settings. A sysfs root that is not the running kernel's (a test tree) has PFs the kernel does
// not know: there, "no" keeps link state from sysfs and VF settings at their defaults.
enum class UseNetlink { yes, no };

// Whether observe() and the libvirt calls talk to libvirt. "no" is the boot's host phase
// (--phase host), before libvirtd starts: connecting then would start libvirtd through its
// socket, which is ordered after this very run. observe() then only lists what libvirt's
// runtime folder shows running (ObservedState::libvirtActive), and the libvirt calls fail.
enum class UseLibvirt { yes, no };

// See LinuxHostOptions::libvirtRuntimeDir.
inline constexpr std::chrono::milliseconds kUnknownRebindWait{10000};

struct LinuxHostOptions {
  std::string sysfsRoot = "/sys";
  std::string connectUri = "qemu:///system";
  UseNetlink netlink = UseNetlink::yes;
  UseLibvirt libvirt = UseLibvirt::yes;
  std::string libvirtRuntimeDir = kLibvirtRuntimeDir;  // read when libvirt is "no"
  std::string libvirtHostdevDir = kLibvirtHostdevDir;  // libvirt's saved VF settings
  HostnameSource hostname = systemHostname;
  // How long setNumVfs waits for the VFs to be ready (or gone), and who hears about it.
  std::chrono::milliseconds settleTimeout = std::chrono::seconds(120);
  ProgressCallback progress;
  // How long a live detach waits for the guest to release the device.
  std::chrono::milliseconds detachTimeout = std::chrono::seconds(30);
  // libvirtRuntimeDir is also where a running guest's status file is (qemu/NAME.xml): after a
  // live detach of a VF libvirt manages, detachDevice waits until the VF libvirt gave back is
  // ready on its host driver (netdev renamed; up to settleTimeout) when that file says libvirt
  // gives it back, not at all when it says libvirt leaves the VF on vfio-pci, and up to
  // kUnknownRebindWait when it cannot be read. A VF still on vfio-pci once the device left the
  // live XML stays there (libvirt rebinds before that): a note through progress says so and how
  // to give it back, at once; a wait that runs out is a note too, never an error.
  // How long setVf waits for the PF's carrier when the driver refused a tx rate without it.
  LinkWait linkWait;
  // Files sriov-apply owns (the persistence rules): observe() reads them into
  // ObservedState::files when they exist.
  std::vector<std::string> ownedFiles;
};

// observe() is real: SysfsReader, then NetlinkReader for each PF with a netdev (its IFF_UP
// from netlink replaces the one from sysfs, which shows the network namespace sysfs was
// mounted in, not necessarily the caller's), then what libvirt saved of VFs guests hold
// (libvirt_saved_vfs.h), then LibvirtReader. A fresh libvirt connection is opened per observe().
//
// The write methods are real too:
//   setNumVfs     SysfsWriter writes sriov_numvfs with write(2), then VfSettler waits for the
//                 VFs (udev events on /sys with udevd running, else polling the tree);
//   setVf         NetlinkWriter, one request per VF, on the PF netdev found through sysfs;
//                 a tx rate refused (EINVAL) while the PF has no carrier is retried once it
//                 has (igb after a reset, link_wait.h);
//   setLinkUp     NetlinkWriter (IFF_UP);
//   bindVfDriver  SysfsWriter (driver_override, unbind, drivers_probe, check);
//   networks, devices, guests: LibvirtWriter on a fresh connection per call;
//   writeFile     writeFileAtomically.
// Netlink calls act in the calling thread's network namespace.
class LinuxHost : public Host {
 public:
  explicit LinuxHost(LinuxHostOptions options);

  Result<ObservedState> observe() override;
  // Every call opens its own libvirt connection, netlink socket and udev monitor, and sysfs
  // writes of different PFs and VFs do not interfere: the executor may run actions at once.
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

 private:
  // Runs call with a LibvirtWriter on a fresh connection.
  template <typename Call>
  Result<void> withLibvirt(Call call);

  LinuxHostOptions options_;
};

}  // namespace sriov::reconcile
