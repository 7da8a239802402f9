// The doctor's checks: pure judgements of what a host probe read (HostFacts) against a spec,
// each finding with what was seen, why it matters and the exact fix; plan's preflight reuses them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "schema/spec.h"

namespace sriov::reconcile {

// A VF of a probed PF, with the other devices of its IOMMU group.
struct ProbedVf {
  std::string pci;
  std::string driver;
  int iommuGroup = -1;
  std::vector<std::string> groupPeers;  // other devices of the group, not VFs of the same PF
};

// An SR-IOV capable PCI device (sriov_totalvfs present), as the probe read it.
struct ProbedPf {
  std::string pci;
  std::string name;  // netdev; empty when none
  std::string mac;
  std::string driver;
  std::string vendorId;  // "0x8086"
  std::string deviceId;
  std::string subsystemVendorId;
  std::string subsystemDeviceId;
  unsigned totalVfs = 0;
  unsigned numVfs = 0;
  int numaNode = -1;
  bool linkUp = false;
  std::vector<ProbedVf> vfs;
};

// A configuration that sets a PF's VF count, from another manager's real file.
struct ManagerClaim {
  std::string manager;  // "NetworkManager", "netplan", "systemd-networkd", "os-net-config", "udev"
  std::string file;
  std::string matchName;    // interface name it matches; empty when none
  std::string matchMac;     // lower-case MAC it matches; empty when none
  std::string matchPci;     // PCI address it matches; empty when none
  bool matchesAny = false;  // a rule that matches every device (udev without a match)
  std::optional<unsigned> numVfs;
  std::optional<bool> preserveOnDown;  // NetworkManager's sriov.preserve-on-down
};

// What a probe read of the host; every field says where it came from.
struct HostFacts {
  std::string root = "/";
  std::vector<std::string> iommuUnits;   // /sys/class/iommu entries: dmar0 (Intel), ivhd0 (AMD)
  std::optional<std::string> intelEcap;  // /sys/class/iommu/dmar*/intel-iommu/ecap
  bool iommuGroups = false;              // /sys/kernel/iommu_groups has entries
  std::optional<std::string> cmdline;    // /proc/cmdline; unset: not read
  std::string cpuVendor;                 // /proc/cpuinfo vendor_id
  bool grubby = false;                   // /usr/sbin/grubby or /sbin/grubby
  bool debianGrub = false;               // /etc/default/grub
  std::vector<ProbedPf> pfs;
  std::vector<std::string> pciDrivers;        // /sys/bus/pci/drivers, sorted
  std::vector<std::string> modules;           // /sys/module, sorted
  std::vector<std::string> installedModules;  // /lib/modules/RELEASE/modules.dep, '_' form, sorted
  std::optional<bool> selinuxEnforcing;       // /sys/fs/selinux/enforce; unset: no SELinux
  std::optional<bool> virtUseSysfs;           // /sys/fs/selinux/booleans/virt_use_sysfs
  bool networkManagerRunning = false;         // /run/NetworkManager
  std::vector<ManagerClaim> claims;
  bool sriovConfigService = false;  // os-net-config's sriov_config unit or /etc/sysconfig file
  std::string sriovConfigPath;
  std::vector<std::string> ownUnits;   // sriov-apply's boot units enabled (wants links)
  bool ownRules = false;               // sriov-apply's own rules file present
  std::optional<std::string> libvirt;  // "libvirt 9.0.0, driver QEMU"; unset: not asked
  std::string libvirtProblem;          // why not asked or not reachable
};

enum class DoctorSeverity { ok, info, warning, error };

struct DoctorFinding {
  DoctorSeverity severity = DoctorSeverity::ok;
  std::string check;   // "iommu", "pf", "vfio", "groups", "selinux", "libvirt", "managers", ...
  std::string target;  // "host", "pf/eth0", ...
  std::string seen;
  std::string why;
  std::string fix;  // empty when nothing to do
};

// Every check; with spec, the host against it (its PFs only; the IOMMU an error only when
// guests get devices); without, the host for SR-IOV use at all.
std::vector<DoctorFinding> doctorChecks(const HostFacts& facts, const schema::Spec* spec);

// The checks plan's preflight shares when guests get devices: the IOMMU and SELinux, blocking.
std::vector<DoctorFinding> passthroughChecks(const HostFacts& facts);

const char* severityName(DoctorSeverity s);
bool blocks(const std::vector<DoctorFinding>& findings);

}  // namespace sriov::reconcile
