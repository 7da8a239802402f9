// Preflight checks of a spec against the observed host.
#include "reconcile/preflight.h"

#include <algorithm>

#include "reconcile/planning/doctor_checks.h"
#include "reconcile/planning/pf_identity.h"
#include "reconcile/planning/tested_devices.h"

namespace sriov::reconcile {
namespace {

bool tested(const ObservedPf& pf) {
  return testedDeviceName(pf.vendorId, pf.deviceId) != nullptr;
}

FoundIdentity foundIdentity(const ObservedPf& pf) {
  return {pf.label(), pf.pci, pf.vendorId, pf.deviceId, pf.subsystemVendorId, pf.subsystemDeviceId};
}

bool guestsGetDevices(const schema::Spec& spec) {
  return std::any_of(spec.guests.begin(), spec.guests.end(), [](const schema::Guest& g) {
    return !g.interfaces.empty() || !g.hostdevs.empty();
  });
}

// True when a device of the domain's live XML uses a VF of pf (by address, or through a pool
// network on pf).
bool holdsVfOf(const ObservedDomain& d, const ObservedPf& pf, const ObservedState& obs) {
  for (const GuestDevice& dev : d.liveDevices) {
    for (const ObservedVf& vf : pf.vfs)
      if (!dev.pci.empty() && dev.pci == vf.pci) return true;
    if (dev.kind != GuestDevice::Kind::networkInterface) continue;
    const ObservedNetwork* n = obs.findNetwork(dev.network);
    if (!n) continue;
    if (!pf.name.empty() && n->pfDev == pf.name) return true;
    for (const ObservedVf& vf : pf.vfs)
      if (std::find(n->vfs.begin(), n->vfs.end(), vf.pci) != n->vfs.end()) return true;
  }
  return false;
}

// The findings of one preflight, in the order the checks run.
struct FindingList {
  std::vector<Finding> out;
  void error(std::string target, std::string message) {
    out.push_back({FindingSeverity::error, std::move(target), std::move(message)});
  }
  void warning(std::string target, std::string message) {
    out.push_back({FindingSeverity::warning, std::move(target), std::move(message)});
  }
};

}  // namespace

const ObservedPf* resolvePf(const ObservedState& observed, const schema::Pf& pf) {
  const ObservedPf* byName = pf.name ? observed.findPf(*pf.name) : nullptr;
  const ObservedPf* byPci = pf.pci ? observed.findPf(*pf.pci) : nullptr;
  if (pf.name && pf.pci) return byName == byPci ? byName : nullptr;
  return pf.name ? byName : byPci;
}

namespace {

// A spec PF: on this host, within its VF limit, with a driver, a tested device, its VF drivers
// loaded.
void checkPf(const schema::Pf& pf, const ObservedState& obs, FindingList& f) {
  std::string target = "pf/" + pf.label();
  const ObservedPf* o = resolvePf(obs, pf);
  if (!o) {
    const ObservedPf* byName = pf.name ? obs.findPf(*pf.name) : nullptr;
    if (pf.name && pf.pci && byName) {
      f.error(target, "PF " + *pf.name + " is at " + byName->pci + ", not at " + *pf.pci +
                          " as the spec says");
    } else {
      f.error(target, "no SR-IOV PF " + pf.label() +
                          " on this host (none under /sys/class/net/*/device or "
                          "/sys/bus/pci/devices has sriov_totalvfs by that name or address)");
    }
    return;
  }
  if (std::optional<std::string> m = identityMismatch(pf, foundIdentity(*o))) {
    // Another card: its limits, driver and VFs say nothing about the one the spec means.
    f.error(target, *m);
    return;
  }
  if (pf.numVfs > o->totalVfs) {
    f.error(target, o->label() + " supports at most " + std::to_string(o->totalVfs) +
                        " VFs (sriov_totalvfs), the spec asks for " + std::to_string(pf.numVfs));
  }
  if (o->driver.empty() && pf.numVfs != o->numVfs) {
    f.error(target, o->label() +
                        " has no driver bound, so its VF count cannot change (the "
                        "kernel answers ENOENT); bind its driver first");
  }
  if (!tested(*o)) {
    f.warning(target, o->label() + " (" + o->vendorId + ":" + o->deviceId +
                          ") is not among the devices the RHEL guides list as tested with SR-IOV");
  } else if (o->vendorId == "0x14e4" && o->deviceId == "0x168e") {
    f.warning(target,
              "the RHEL guides warn that udev rules may not re-create the VFs of a "
              "Broadcom BCM57810 at boot; check its VFs after a reboot");
  }
  for (const schema::VfEntry& e : pf.vfs) {
    const std::optional<std::string>& driver = e.settings.driver;
    if (driver && !obs.pciDrivers.empty() &&
        !std::binary_search(obs.pciDrivers.begin(), obs.pciDrivers.end(), *driver)) {
      f.error(target, "driver " + *driver + " is not loaded (no /sys/bus/pci/drivers/" + *driver +
                          "); load it first, e.g. modprobe " + *driver);
    }
  }
}

// A spec network: not someone else's (unless taken over), a <pf dev> pool on a PF with a netdev.
void checkNetwork(const schema::Network& n, const schema::Spec& spec, const ObservedState& obs,
                  TakeOver networks, FindingList& f) {
  const ObservedNetwork* o = obs.findNetwork(n.name);
  if (o && !o->owned && networks == TakeOver::no) {
    f.error("network/" + n.name,
            "a network '" + n.name +
                "' exists that sriov-apply did not define; rename the "
                "spec's network, remove the existing one, or run with --force to take it over");
  }
  if (n.pf) {
    const schema::Pf* pf = spec.findPf(*n.pf);
    const ObservedPf* p = pf ? resolvePf(obs, *pf) : nullptr;
    if (p && p->name.empty())
      f.error("network/" + n.name, "a <pf dev> pool needs a PF with a netdev; " + p->pci +
                                       " has none: list its VFs under vfs instead");
  }
}

// A spec guest: defined; and when paused, not one a VF count change needs restarted.
void checkGuest(const schema::Guest& g, const schema::Spec& spec, const ObservedState& obs,
                FindingList& f) {
  const ObservedDomain* d = obs.findDomain(g.name);
  if (!d) {
    f.error("guest/" + g.name, "guest '" + g.name +
                                   "' is not defined in libvirt; sriov-apply never creates "
                                   "guests: define it first (virsh define)");
    return;
  }
  // A paused guest cannot answer the ACPI shutdown that onDisruption: restart needs before its
  // PF's VFs are re-created: the apply would wait --shutdown-timeout, fail and roll back.
  if (d->state != DomainState::paused || g.onDisruption != schema::OnDisruption::restart) return;
  for (const schema::Pf& pf : spec.pfs) {
    const ObservedPf* o = resolvePf(obs, pf);
    if (!o || pf.numVfs == o->numVfs || !holdsVfOf(*d, *o, obs)) continue;
    f.error("guest/" + g.name,
            "guest '" + g.name + "' is paused, and the VF count change of " + o->label() +
                " needs it restarted (onDisruption: restart), but a paused guest cannot answer "
                "the ACPI shutdown: resume it (virsh resume " +
                g.name + ") or shut it down first, then apply again");
    return;
  }
}

// The spec's host guard.
void checkHostName(const schema::Spec& spec, const ObservedState& obs, FindingList& f) {
  if (spec.host && *spec.host != obs.hostname) {
    f.error("host", "the spec is for host '" + *spec.host + "', but this is '" + obs.hostname +
                        "' (the host: guard)");
  }
}

// An IOMMU and SELinux's virt_use_sysfs, when guests get VFs: the doctor's own checks, on what
// the observed state knows (it has no kernel command line: the fix names both boot loaders).
void checkPassthrough(const schema::Spec& spec, const ObservedState& obs, FindingList& f) {
  if (!guestsGetDevices(spec)) return;
  HostFacts facts;
  facts.iommuGroups = obs.iommuEnabled;
  if (obs.selinuxVirtUseSysfs) {
    facts.selinuxEnforcing = true;
    facts.virtUseSysfs = obs.selinuxVirtUseSysfs;
  }
  for (const DoctorFinding& d : passthroughChecks(facts)) {
    if (d.severity != DoctorSeverity::error) continue;
    f.error(d.target, d.seen + ": " + d.why + "; fix: " + d.fix +
                          " (sriov-apply doctor prints the full report)");
  }
}

}  // namespace

std::vector<Finding> preflight(const schema::Spec& spec, const ObservedState& obs,
                               TakeOver networks) {
  // The order of the findings is the order of these checks (the plan sorts them for printing).
  FindingList f;
  checkHostName(spec, obs, f);
  for (const schema::Pf& pf : spec.pfs) checkPf(pf, obs, f);
  for (const schema::Network& n : spec.networks) checkNetwork(n, spec, obs, networks, f);
  for (const schema::Guest& g : spec.guests) checkGuest(g, spec, obs, f);
  checkPassthrough(spec, obs, f);
  return f.out;
}

}  // namespace sriov::reconcile
