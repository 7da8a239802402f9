// The kernel's SR-IOV rules in a SimulatedHost (drivers/pci/iov.c, rtnetlink, the VF drivers):
// VF counts, VF settings, driver bindings, PF links, and the files sriov-apply writes.
#include <cerrno>
#include <thread>

#include "reconcile/planning/describe.h"
#include "reconcile/simulated/simulated_host.h"
#include "reconcile/simulated/simulated_leases.h"
#include "schema/mac_address.h"
#include "schema/pci_address.h"

namespace sriov::reconcile {

using simulated::findPf;
using simulated::kernelError;
using simulated::pciLabel;
using simulated::VfAt;

Result<void> SimulatedHost::setNumVfs(const std::string& pfPci, unsigned count) {
  const std::string pci = pciLabel(pfPci);
  Result<void> result =
      mutateChecked("setNumVfs " + pci + " " + std::to_string(count), [&](SimulatedWorld& w) {
        const std::string what =
            "cannot set sriov_numvfs of " + pci + " to " + std::to_string(count);
        ObservedPf* pf = findPf(w.state, pci);
        if (!pf) return Result<void>(kernelError(what, ENODEV, "no SR-IOV PF at " + pci));
        // The order of sriov_numvfs_store's checks.
        if (count > pf->totalVfs) {
          return Result<void>(kernelError(
              what, ERANGE,
              std::to_string(count) + " exceeds sriov_totalvfs " + std::to_string(pf->totalVfs)));
        }
        if (count == pf->numVfs) return Result<void>();
        if (pf->driver.empty()) {
          return Result<void>(
              kernelError(what, ENOENT, "no driver bound to device; cannot configure SR-IOV"));
        }
        if (count == 0) {
          for (const ObservedVf& vf : pf->vfs) {
            if (std::optional<std::string> guest = simulated::holderOf(w, vf.pci)) {
              return Result<void>(
                  Error{what + ": VF " + vf.pci + " is in use by running guest " + *guest, EBUSY});
            }
          }
          pf->vfs.clear();
          pf->numVfs = 0;
          return Result<void>();
        }
        if (pf->numVfs != 0) {
          return Result<void>(kernelError(what, EBUSY,
                                          std::to_string(pf->numVfs) +
                                              " VFs already enabled. Disable before enabling " +
                                              std::to_string(count) + " VFs"));
        }
        schema::PciAddress base = *schema::PciAddress::parse(pf->pci);
        for (unsigned i = 0; i < count; ++i) {
          ObservedVf vf;
          vf.index = i;
          vf.pci = base.plusRoutingId(pf->vfOffset + pf->vfStride * i).str();
          vf.driver = vfDriverFor(pf->driver);
          vf.netdev = simulated::vfNetdevName(*pf, vf);
          vf.settings = newVfSettings(pf->driver);
          pf->vfs.push_back(vf);
        }
        pf->numVfs = count;
        return Result<void>();
      });
  if (result && count > 0 && settleDelay_.count() > 0) std::this_thread::sleep_for(settleDelay_);
  return result;
}

Result<void> SimulatedHost::setVf(const std::string& pfPci, unsigned index,
                                  const VfChange& change) {
  const std::string pci = pciLabel(pfPci);
  return mutateChecked(
      "setVf " + pci + " " + std::to_string(index) + " " + planning::vfChangeText(change),
      [&](SimulatedWorld& w) {
        ObservedPf* pf = findPf(w.state, pci);
        const std::string label = pf ? pf->label() : pci;
        const std::string vfName = label + " VF " + std::to_string(index);
        auto fieldError = [&](const char* field, int code, const std::string& detail = "") {
          return Result<void>(
              kernelError("cannot set " + std::string(field) + " of " + vfName, code, detail));
        };
        if (!pf) return Result<void>(kernelError("cannot set " + vfName, ENODEV, "no such PF"));
        if (pf->name.empty()) {
          return Result<void>(
              kernelError("cannot set " + vfName, ENODEV, pci + " has no network device"));
        }
        if (index >= pf->vfs.size()) {
          return Result<void>(kernelError("cannot set " + vfName, EINVAL,
                                          "the PF has " + std::to_string(pf->vfs.size()) + " VFs"));
        }
        VfNetlink next = pf->vfs[index].settings;
        if (change.mac) {
          std::optional<std::string> mac = schema::normaliseMac(*change.mac);
          if (!mac) return fieldError("mac", EINVAL, "'" + *change.mac + "' is not a MAC address");
          if (schema::isMulticastMac(*mac)) {
            return fieldError("mac", EINVAL, *mac + " is a multicast address");
          }
          next.mac = *mac;
        }
        if (change.vlan) {
          if (*change.vlan > 4095) {
            return fieldError("vlan", EINVAL, std::to_string(*change.vlan) + " is above 4095");
          }
          next.vlan = *change.vlan;
        }
        if (change.qos) {
          if (*change.qos > 7) {
            return fieldError("qos", EINVAL, std::to_string(*change.qos) + " is above 7");
          }
          next.qos = *change.qos;
        }
        if (change.spoofCheck) next.spoofCheck = *change.spoofCheck;
        if (change.trust) next.trust = *change.trust;
        if (change.linkState) {
          if (pf->driver == "igb") return fieldError("linkState", EOPNOTSUPP);
          next.linkState = *change.linkState;
        }
        if (change.minTxRate || change.maxTxRate) {
          next.minTxRate = change.minTxRate.value_or(next.minTxRate);
          next.maxTxRate = change.maxTxRate.value_or(next.maxTxRate);
          if (pf->driver == "igb" && next.minTxRate != 0) {
            return fieldError("minTxRate", EINVAL, "igb has no minimum rate");
          }
          // igb_ndo_set_vf_bw: no rate without link, not even 0, and a PF that is down has
          // none (tests/e2e 04). Its carrier also goes for ~1.5 s after a reset; LinuxHost
          // waits for it, so here the link is back at once.
          if (pf->driver == "igb" && !pf->linkUp) {
            return fieldError("maxTxRate", EINVAL,
                              label + " is down: igb refuses a VF rate without link");
          }
          if (next.maxTxRate != 0 && next.minTxRate > next.maxTxRate) {
            return fieldError("minTxRate", EINVAL,
                              std::to_string(next.minTxRate) + " is above maxTxRate " +
                                  std::to_string(next.maxTxRate));
          }
        }
        pf->vfs[index].settings = next;
        return Result<void>();
      });
}

Result<void> SimulatedHost::bindVfDriver(const std::string& vfPci, const std::string& driver) {
  const std::string pci = pciLabel(vfPci);
  return mutateChecked("bindVfDriver " + pci + " " + driver, [&](SimulatedWorld& w) {
    const std::string what = "cannot bind " + pci + " to " + driver;
    VfAt at = simulated::findVf(w.state, pci);
    if (!at.vf) return Result<void>(kernelError(what, ENODEV, "no VF at " + pci));
    if (at.vf->driver == driver) return Result<void>();
    if (driver != "vfio-pci" && driver != "pci-stub" && driver != vfDriverFor(at.pf->driver)) {
      return Result<void>(kernelError(what, ENOENT, "no driver '" + driver + "' is loaded"));
    }
    if (std::optional<std::string> guest = simulated::holderOf(w, pci)) {
      return Result<void>(kernelError(what, EBUSY, "in use by running guest " + *guest));
    }
    at.vf->driver = driver;
    at.vf->netdev = simulated::vfNetdevName(*at.pf, *at.vf);
    return Result<void>();
  });
}

Result<void> SimulatedHost::setLink(const std::string& pfPci, Link state) {
  const std::string pci = pciLabel(pfPci);
  const char* updown = state == Link::up ? " up" : " down";
  return mutateChecked(
      std::string("setLink") + (state == Link::up ? "Up " : "Down ") + pci, [&](SimulatedWorld& w) {
        ObservedPf* pf = findPf(w.state, pci);
        if (!pf || pf->name.empty()) {
          return Result<void>(kernelError("cannot set " + pci + updown, ENODEV,
                                          pf ? pci + " has no network device" : "no such PF"));
        }
        pf->linkUp = state == Link::up;
        return Result<void>();
      });
}

Result<void> SimulatedHost::writeFile(const std::string& path, const std::string& content) {
  return mutateChecked("writeFile " + path, [&](SimulatedWorld& w) {
    w.state.files[path] = content;
    return Result<void>();
  });
}

Result<void> SimulatedHost::removeFile(const std::string& path) {
  return mutateChecked("removeFile " + path, [&](SimulatedWorld& w) {
    w.state.files.erase(path);
    return Result<void>();
  });
}

}  // namespace sriov::reconcile
