// Reading SR-IOV PFs, their VFs and a few host facts from sysfs under a root directory, with
// plain file I/O, so that tests point it at a tree they built.
#pragma once

#include <functional>
#include <string>

#include "reconcile/observed_state.h"
#include "reconcile/result.h"

namespace sriov::reconcile {

// Where the hostname comes from: gethostname(2) on a real host, a fixed name in tests.
using HostnameSource = std::function<Result<std::string>()>;
Result<std::string> systemHostname();

class SysfsReader {
 public:
  // root is where sysfs is mounted ("/sys").
  explicit SysfsReader(std::string root, HostnameSource hostname = systemHostname);

  // Hostname, IOMMU status, SELinux's virt_use_sysfs and every SR-IOV PF (sorted by PCI
  // address) with its VFs. Networks and domains stay empty and VF netlink settings stay at
  // their defaults: other readers fill them in.
  //
  // PFs are the devices with a sriov_totalvfs file, found through <root>/class/net/*/device and
  // <root>/bus/pci/devices/* (so non-network PFs such as NVMe count too), deduplicated by PCI
  // address. A PF's linkUp is IFF_UP of <root>/class/net/<name>/flags: the administrative
  // state that "ip link set up" and Host::setLinkUp change. operstate is not used: it follows
  // the carrier, and many drivers report "unknown".
  //
  // Missing optional parts are not errors: no driver link (unbound), no iommu_group link (-1),
  // no net/ folder (no netdev), no SELinux boolean (unset), no iommu_groups folder (IOMMU off).
  // Anything else that cannot be read fails with "cannot read PATH: strerror(errno)".
  Result<ObservedState> read() const;

 private:
  std::string root_;
  HostnameSource hostname_;
};

}  // namespace sriov::reconcile
