// Checking a spec PF's pinned identity against the device found.
#include "reconcile/planning/pf_identity.h"

#include "reconcile/planning/tested_devices.h"
#include "schema/pci_id.h"

namespace sriov::reconcile {

std::string describePciId(const std::string& id) {
  if (id.size() != 9) return id;
  const char* name = testedDeviceName("0x" + id.substr(0, 4), "0x" + id.substr(5));
  return name ? id + " (" + name + ")" : id;
}

namespace {

// One pinned ID (key: "device" or "subsystem") against the one seen; nullopt when they agree.
std::optional<std::string> compare(const std::string& where, const std::string& pci,
                                   const char* key, const std::string& pinned,
                                   const std::string& seen, const char* what) {
  if (seen == pinned) return std::nullopt;
  std::string check = "check the hardware (lspci -nnv -s " + pci + ")";
  if (seen.empty()) {
    return where + " has no readable " + key + " ID, but the spec pins " + key + " " +
           describePciId(pinned) + "; " + check + ", or take " + key + ": out of the spec";
  }
  return where + " is " + key + " " + describePciId(seen) + ", but the spec pins " + key + " " +
         describePciId(pinned) + ": " + what + "; " + check + ": if this card is meant, set " +
         key + ": \"" + seen + "\" in the spec, else put the card back";
}

}  // namespace

std::optional<std::string> identityMismatch(const schema::Pf& pf, const FoundIdentity& found) {
  std::string where =
      "PF " + found.label + (found.label == found.pci ? "" : " (" + found.pci + ")");
  if (pf.device) {
    std::string seen = schema::pciIdFromSysfs(found.vendorId, found.deviceId);
    if (auto m =
            compare(where, found.pci, "device", *pf.device, seen, "the card was swapped or moved"))
      return m;
  }
  if (pf.subsystem) {
    std::string seen = schema::pciIdFromSysfs(found.subsystemVendorId, found.subsystemDeviceId);
    if (auto m = compare(where, found.pci, "subsystem", *pf.subsystem, seen,
                         "another board with the same chip is there, or the card moved"))
      return m;
  }
  return std::nullopt;
}

}  // namespace sriov::reconcile
