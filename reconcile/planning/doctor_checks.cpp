// The doctor's checks over HostFacts: IOMMU, PFs, VF drivers and vfio-pci, IOMMU groups,
// SELinux, libvirt, competing managers. Pure: the probe (reconcile/host/host_probe) reads.
#include "reconcile/planning/doctor_checks.h"

#include <algorithm>

#include "reconcile/planning/pf_identity.h"
#include "reconcile/planning/tested_devices.h"
#include "schema/pci_id.h"

namespace sriov::reconcile {
namespace {

struct Findings {
  std::vector<DoctorFinding> out;
  void add(DoctorSeverity s, std::string check, std::string target, std::string seen,
           std::string why, std::string fix = {}) {
    out.push_back(
        {s, std::move(check), std::move(target), std::move(seen), std::move(why), std::move(fix)});
  }
};

bool hasWord(const std::optional<std::string>& line, const std::string& word) {
  if (!line) return false;
  const std::string& cmdline = *line;
  size_t at = 0;
  while ((at = cmdline.find(word, at)) != std::string::npos) {
    bool start = at == 0 || cmdline[at - 1] == ' ';
    size_t end = at + word.size();
    if (start && (end == cmdline.size() || cmdline[end] == ' ' || cmdline[end] == '\n'))
      return true;
    at = end;
  }
  return false;
}

bool sortedHas(const std::vector<std::string>& v, const std::string& s) {
  return std::binary_search(v.begin(), v.end(), s);
}

// AMD-Vi or Intel VT-d: the IOMMU units the kernel found say (ivhd* AMD, dmar* Intel; an
// emulated VT-d on an AMD CPU, as QEMU's intel-iommu under TCG, is VT-d); with none, the CPU.
bool isAmd(const HostFacts& f) {
  auto unit = [&f](const char* prefix) {
    return std::any_of(f.iommuUnits.begin(), f.iommuUnits.end(),
                       [prefix](const std::string& u) { return u.rfind(prefix, 0) == 0; });
  };
  if (unit("ivhd")) return true;
  if (unit("dmar")) return false;
  return f.cpuVendor == "AuthenticAMD";
}

// The kernel arguments the IOMMU needs that the command line lacks.
std::string missingArgs(const HostFacts& f) {
  std::string args;
  if (!isAmd(f) && !hasWord(f.cmdline, "intel_iommu=on")) args = "intel_iommu=on";
  if (!hasWord(f.cmdline, "iommu=pt")) args += std::string(args.empty() ? "" : " ") + "iommu=pt";
  return args;
}

std::string grubFix(const HostFacts& f, const std::string& args) {
  std::string grubby = "grubby --args=\"" + args + "\" --update-kernel=ALL && reboot";
  std::string debian =
      "add \"" + args + "\" to GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub && reboot";
  if (f.grubby && !f.debianGrub) return grubby;
  if (f.debianGrub && !f.grubby) return debian;
  return grubby + " (RHEL, Fedora); or " + debian + " (Debian, Ubuntu)";
}

void checkIommu(const HostFacts& f, bool blocking, Findings& out) {
  DoctorSeverity bad = blocking ? DoctorSeverity::error : DoctorSeverity::warning;
  std::string vendor = isAmd(f) ? "AMD-Vi" : "Intel VT-d";
  if (f.iommuUnits.empty() && !f.iommuGroups) {
    std::string args = missingArgs(f);
    if (f.cmdline && (args.empty() || (isAmd(f) && args == "iommu=pt"))) {
      out.add(bad, "iommu", "host",
              std::string("the IOMMU is off (no unit under /sys/class/iommu) although the kernel "
                          "would enable it (") +
                  (isAmd(f) ? "AMD-Vi is on by default" : "/proc/cmdline has intel_iommu=on") + ")",
              "the firmware has " + vendor + " off, so no guest can be given a VF",
              "enable " + vendor +
                  " (or 'IOMMU', 'VT-d', 'SVM/IOMMU') in the firmware setup, "
                  "then reboot" +
                  (args.empty() ? std::string{} : "; also " + grubFix(f, args)));
      return;
    }
    out.add(bad, "iommu", "host",
            "the IOMMU is off (no unit under /sys/class/iommu, no groups under "
            "/sys/kernel/iommu_groups)" +
                (f.cmdline ? "; /proc/cmdline lacks " + args : std::string{}),
            "without an IOMMU no guest can be given a VF (vfio-pci refuses the device)",
            grubFix(f, args) + "; if /sys/class/iommu stays empty after that, enable " + vendor +
                " in the firmware");
    return;
  }
  std::string units;
  for (const std::string& u : f.iommuUnits) units += (units.empty() ? "" : ", ") + u;
  out.add(DoctorSeverity::ok, "iommu", "host",
          vendor + " on (/sys/class/iommu: " + (units.empty() ? "groups only" : units) + ")",
          "guests can be given VFs");
  if (!hasWord(f.cmdline, "iommu=pt"))
    out.add(DoctorSeverity::info, "iommu", "host", "/proc/cmdline lacks iommu=pt",
            "the RHEL guides add it: host devices then skip IOMMU translation (faster)",
            grubFix(f, "iommu=pt"));
  if (f.intelEcap) {
    unsigned long ecap = std::strtoul(f.intelEcap->c_str(), nullptr, 16);
    if (ecap & 0x8UL) {
      out.add(DoctorSeverity::ok, "interrupt-remapping", "host",
              "interrupt remapping supported (bit 3 of intel-iommu/ecap " + *f.intelEcap + ")",
              "VF interrupts reach only their guest");
    } else {
      out.add(DoctorSeverity::warning, "interrupt-remapping", "host",
              "no interrupt remapping (bit 3 of intel-iommu/ecap " + *f.intelEcap + " is 0)",
              "vfio refuses assignment without it unless allow_unsafe_interrupts is set, which "
              "lets a guest inject interrupts",
              "enable interrupt remapping (x2APIC) in the firmware; or, accepting the risk, "
              "echo 'options vfio_iommu_type1 allow_unsafe_interrupts=1' > "
              "/etc/modprobe.d/vfio.conf");
    }
  } else if (isAmd(f)) {
    out.add(DoctorSeverity::info, "interrupt-remapping", "host",
            "AMD-Vi: interrupt remapping not read (no ecap file on AMD)",
            "AMD-Vi remaps interrupts unless the firmware's IVRS table is broken",
            "check 'AMD-Vi: Interrupt remapping enabled' in the kernel log (journalctl -k)");
  }
}

const ProbedPf* findProbed(const HostFacts& f, const schema::Pf& pf) {
  for (const ProbedPf& p : f.pfs) {
    if (pf.pci && p.pci == *pf.pci) return &p;
    if (pf.name && !p.name.empty() && p.name == *pf.name) return &p;
  }
  return nullptr;
}

std::string label(const ProbedPf& p) {
  return p.name.empty() ? p.pci : p.name;
}

bool oneOf(const std::string& s, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&s](const char* n) { return s == n; });
}

void checkPfFacts(const ProbedPf& p, Findings& out) {
  std::string target = "pf/" + label(p);
  std::string id = p.vendorId + ":" + p.deviceId;
  const char* name = testedDeviceName(p.vendorId, p.deviceId);
  std::string seen = p.pci + " " + id + (name ? std::string(" (") + name + ")" : "") + ", driver " +
                     (p.driver.empty() ? "none" : p.driver) + ", " + std::to_string(p.numVfs) +
                     "/" + std::to_string(p.totalVfs) + " VFs, NUMA node " +
                     std::to_string(p.numaNode);
  if (p.driver.empty()) {
    out.add(DoctorSeverity::error, "pf", target, seen,
            "no driver is bound, so the VF count cannot change",
            "bind its driver: modprobe the PF driver or echo " + p.pci +
                " > /sys/bus/pci/drivers/DRIVER/bind");
  } else if (p.totalVfs == 0) {
    out.add(DoctorSeverity::error, "pf", target, seen,
            "sriov_totalvfs is 0: the firmware or driver allows no VFs",
            "enable SR-IOV for the card in the firmware setup (or the NIC's own config tool)");
  } else {
    out.add(DoctorSeverity::ok, "pf", target, seen, "SR-IOV capable");
  }
  if (!name) {
    out.add(DoctorSeverity::info, "pf", target, id + " is not in the RHEL guides' tested list",
            "it may work; Red Hat supports only the tested devices");
  }
  if (p.vendorId == "0x14e4" && p.deviceId == "0x168e")
    out.add(DoctorSeverity::warning, "quirk", target, "Broadcom BCM57810 (bnx2x)",
            "the RHEL guides warn that its VFs may not be re-created at boot by udev rules",
            "check its VFs after a reboot (sriov-apply plan SPEC shows the drift)");
  if (oneOf(p.driver, {"bnxt_en", "bnx2x", "qede"}) && !p.linkUp)
    out.add(DoctorSeverity::warning, "quirk", target,
            label(p) + " is down (driver " + p.driver + ")",
            "this driver creates VFs only while the PF link is up",
            "ip link set " + label(p) + " up (or set the PF's link: up in the spec)");
  if (oneOf(p.driver, {"i40e", "ixgbe", "mlx5_core", "ice"}))
    out.add(DoctorSeverity::info, "quirk", target, "driver " + p.driver + " creates VFs slowly",
            "creating many VFs can take tens of seconds; apply waits --settle-timeout (60 s by "
            "default) for them",
            "raise --settle-timeout when apply reports VFs that did not appear");
}

// The VF driver of a PF driver (the kernel's SR-IOV NIC drivers); empty when not known.
std::string vfDriverOf(const std::string& pfDriver) {
  static const std::pair<const char*, const char*> kVfDrivers[] = {
      {"igb", "igbvf"},           {"ixgbe", "ixgbevf"},   {"i40e", "iavf"},   {"ice", "iavf"},
      {"mlx5_core", "mlx5_core"}, {"bnxt_en", "bnxt_en"}, {"bnx2x", "bnx2x"}, {"qede", "qede"},
  };
  for (const auto& [pf, vf] : kVfDrivers)
    if (pfDriver == pf) return vf;
  return {};
}

// Loaded (a PCI driver or a module) or installed (modules.dep); module names use '_'.
bool moduleLoaded(const HostFacts& f, const std::string& driver) {
  std::string module = driver;
  std::replace(module.begin(), module.end(), '-', '_');
  return sortedHas(f.pciDrivers, driver) || sortedHas(f.modules, module);
}
bool moduleInstalled(const HostFacts& f, const std::string& driver) {
  std::string module = driver;
  std::replace(module.begin(), module.end(), '-', '_');
  return moduleLoaded(f, driver) || sortedHas(f.installedModules, module);
}

void checkVfDriver(const HostFacts& f, const ProbedPf& p, Findings& out) {
  std::string vf = vfDriverOf(p.driver);
  if (vf.empty() || moduleLoaded(f, vf)) return;
  bool installed = moduleInstalled(f, vf);
  out.add(
      installed ? DoctorSeverity::info : DoctorSeverity::warning, "vf-driver", "pf/" + label(p),
      "VF driver " + vf + " of " + p.driver +
          (installed ? " not loaded (in modules.dep)" : " neither loaded nor installed"),
      "VFs get no netdev on the host until it is loaded (fine for VFs given to guests)",
      installed ? "modprobe " + vf : "install the kernel's modules package, then modprobe " + vf);
}

void checkVfio(const HostFacts& f, bool blocking, Findings& out) {
  bool loaded = moduleLoaded(f, "vfio-pci");
  bool available = moduleInstalled(f, "vfio-pci");
  if (loaded)
    out.add(DoctorSeverity::ok, "vfio", "host", "vfio-pci loaded (/sys/bus/pci/drivers/vfio-pci)",
            "libvirt can hand VFs to guests");
  else if (available)
    out.add(DoctorSeverity::info, "vfio", "host",
            "vfio-pci not loaded, but the module is installed (modules.dep)",
            "libvirt loads it when a guest starts with a VF", "modprobe vfio-pci");
  else
    out.add(blocking ? DoctorSeverity::error : DoctorSeverity::warning, "vfio", "host",
            "no vfio-pci (not in /sys/bus/pci/drivers, /sys/module or modules.dep)",
            "guests cannot be given VFs without it",
            "install the kernel's modules package, then modprobe vfio-pci");
}

void checkVfs(const ProbedPf& p, Findings& out) {
  std::string target = "pf/" + label(p);
  for (const ProbedVf& vf : p.vfs) {
    if (!vf.groupPeers.empty()) {
      std::string peers;
      for (const std::string& d : vf.groupPeers) peers += (peers.empty() ? "" : ", ") + d;
      out.add(DoctorSeverity::warning, "groups", target,
              "VF " + vf.pci + " shares IOMMU group " + std::to_string(vf.iommuGroup) + " with " +
                  peers,
              "a device that shares a group cannot be given alone to a guest",
              "move the card to a slot behind an ACS-capable port (lspci -vvv shows ACSCtl), or "
              "give the guest the whole group");
    }
  }
}

void checkSelinux(const HostFacts& f, bool blocking, Findings& out) {
  if (!f.selinuxEnforcing) return;
  if (*f.selinuxEnforcing && f.virtUseSysfs == false)
    out.add(blocking ? DoctorSeverity::error : DoctorSeverity::warning, "selinux", "host",
            "SELinux enforcing (/sys/fs/selinux/enforce 1) and virt_use_sysfs off",
            "libvirt cannot manage VFs for guests", "setsebool -P virt_use_sysfs 1");
  else
    out.add(DoctorSeverity::ok, "selinux", "host",
            std::string("SELinux ") + (*f.selinuxEnforcing ? "enforcing" : "permissive") +
                ", virt_use_sysfs " + (f.virtUseSysfs == true ? "on" : "not off"),
            "libvirt may manage VFs");
}

void checkLibvirt(const HostFacts& f, bool blocking, Findings& out) {
  if (f.libvirt) {
    out.add(DoctorSeverity::ok, "libvirt", "host", *f.libvirt,
            "networks and guests can be managed");
  } else {
    out.add(blocking ? DoctorSeverity::error : DoctorSeverity::info, "libvirt", "host",
            f.libvirtProblem, "without libvirt only the host phase (VFs, drivers) can be applied",
            "systemctl enable --now libvirtd (or virtqemud.socket)");
  }
}

bool claimMatches(const ManagerClaim& c, const ProbedPf& p) {
  return c.matchesAny || (!c.matchName.empty() && c.matchName == p.name) ||
         (!c.matchMac.empty() && c.matchMac == p.mac) ||
         (!c.matchPci.empty() && c.matchPci == p.pci);
}

void checkManagers(const HostFacts& f, const ProbedPf& p, Findings& out) {
  std::string target = "pf/" + label(p);
  for (const ManagerClaim& c : f.claims) {
    if (!claimMatches(c, p)) continue;
    std::string count = c.numVfs ? std::to_string(*c.numVfs) + " VFs" : "the VF count";
    if (c.manager == "NetworkManager") {
      bool resets = c.preserveOnDown != true;
      out.add(DoctorSeverity::error, "managers", target,
              c.file + " ([sriov] total-vfs=" + (c.numVfs ? std::to_string(*c.numVfs) : "?") +
                  (c.preserveOnDown
                       ? std::string(", preserve-on-down=") + (*c.preserveOnDown ? "yes" : "no")
                       : "") +
                  ")" + (f.networkManagerRunning ? ", NetworkManager running" : ""),
              std::string("NetworkManager sets ") + count + " when the connection comes up" +
                  (resets ? " and resets it to 0 when it goes down (sriov.preserve-on-down, "
                            "NetworkManager 1.54+, defaults to no)"
                          : ""),
              "remove the [sriov] section (nmcli connection modify ID remove sriov) so "
              "sriov-apply alone sets the count");
    } else {
      out.add(DoctorSeverity::error, "managers", target, c.file + " sets " + count,
              c.manager + " writes sriov_numvfs too: the last writer wins, and VFs disappear",
              "remove the VF count from " + c.file + " and leave it to sriov-apply");
    }
  }
}

bool guestsGetDevices(const schema::Spec& spec) {
  return std::any_of(spec.guests.begin(), spec.guests.end(), [](const schema::Guest& g) {
    return !g.interfaces.empty() || !g.hostdevs.empty();
  });
}

}  // namespace

std::vector<DoctorFinding> passthroughChecks(const HostFacts& facts) {
  Findings out;
  checkIommu(facts, true, out);
  checkSelinux(facts, true, out);
  return out.out;
}

std::vector<DoctorFinding> doctorChecks(const HostFacts& f, const schema::Spec* spec) {
  Findings out;
  bool passthrough = !spec || guestsGetDevices(*spec);
  checkIommu(f, passthrough, out);
  std::vector<const ProbedPf*> pfs;
  if (spec) {
    for (const schema::Pf& pf : spec->pfs) {
      const ProbedPf* p = findProbed(f, pf);
      if (!p) {
        out.add(DoctorSeverity::error, "pf", "pf/" + pf.label(),
                "no SR-IOV PF " + pf.label() + " (no sriov_totalvfs under /sys/bus/pci/devices)",
                "the spec names it", "check the name/address (sriov-apply show)");
        continue;
      }
      FoundIdentity found{
          label(*p), p->pci, p->vendorId, p->deviceId, p->subsystemVendorId, p->subsystemDeviceId};
      if (std::optional<std::string> m = identityMismatch(pf, found)) {
        out.add(DoctorSeverity::error, "identity", "pf/" + pf.label(), *m,
                "the spec's VF count and settings were written for the pinned card",
                "put the pinned card back, or change device:/subsystem: in the spec");
        continue;
      }
      if (pf.device || pf.subsystem)
        out.add(DoctorSeverity::ok, "identity", "pf/" + pf.label(),
                label(*p) + " is the pinned " +
                    describePciId(schema::pciIdFromSysfs(p->vendorId, p->deviceId)),
                "the spec pins it");
      pfs.push_back(p);
    }
  } else {
    for (const ProbedPf& p : f.pfs) pfs.push_back(&p);
    if (pfs.empty())
      out.add(DoctorSeverity::error, "pf", "host",
              "no SR-IOV capable device (no sriov_totalvfs under /sys/bus/pci/devices)",
              "SR-IOV needs a card with the capability (lspci -v: 'Single Root I/O "
              "Virtualization') and a driver that exposes it",
              "install a tested SR-IOV card, enable SR-IOV in the firmware");
  }
  for (const ProbedPf* p : pfs) checkPfFacts(*p, out);
  checkVfio(f, passthrough, out);
  for (const ProbedPf* p : pfs) {
    checkVfDriver(f, *p, out);
    checkVfs(*p, out);
  }
  checkSelinux(f, passthrough, out);
  checkLibvirt(f, spec && (!spec->networks.empty() || !spec->guests.empty()), out);
  for (const ProbedPf* p : pfs) checkManagers(f, *p, out);
  if (f.sriovConfigService)
    out.add(DoctorSeverity::warning, "managers", "host",
            "os-net-config's sriov_config (" + f.sriovConfigPath + ")",
            "it writes sriov_numvfs at boot from /var/lib/os-net-config/sriov_config.yaml",
            "systemctl disable sriov_config, or drop the PF from os-net-config's config");
  if (f.ownRules || !f.ownUnits.empty()) {
    std::string units;
    for (const std::string& u : f.ownUnits) units += (units.empty() ? "" : ", ") + u;
    out.add(DoctorSeverity::info, "boot", "host",
            std::string("sriov-apply at boot: ") +
                (f.ownRules ? "/etc/udev/rules.d/70-sriov-apply.rules" : "no rules file") +
                (units.empty() ? "" : "; enabled: " + units),
            "sriov-apply's own persistence; it must be the only writer of these PFs' counts");
  }
  return out.out;
}

const char* severityName(DoctorSeverity s) {
  switch (s) {
    case DoctorSeverity::ok:
      return "ok";
    case DoctorSeverity::info:
      return "info";
    case DoctorSeverity::warning:
      return "warning";
    case DoctorSeverity::error:
      return "error";
  }
  return "error";
}

bool blocks(const std::vector<DoctorFinding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const DoctorFinding& d) { return d.severity == DoctorSeverity::error; });
}

}  // namespace sriov::reconcile
