// A spec PF's pinned identity (device:, subsystem:) against the device found at its name or
// address: a card swapped or moved is named, both identities, before anything changes.
#pragma once

#include <optional>
#include <string>

#include "schema/spec.h"

namespace sriov::reconcile {

// The device found for a spec PF, as sysfs reports it ("0x8086"; empty when not read).
struct FoundIdentity {
  std::string label;  // netdev name, else PCI address
  std::string pci;
  std::string vendorId;
  std::string deviceId;
  std::string subsystemVendorId;
  std::string subsystemDeviceId;
};

// nullopt when nothing is pinned or the found device is the one pinned; else what differs,
// naming both identities and what to do:
//   "PF enp1s0 (0000:01:00.0) is device 8086:1521 (...), but the spec pins device 8086:10c9
//    (...): the card was swapped or moved; check the hardware (lspci -nnv -s 0000:01:00.0): ..."
std::optional<std::string> identityMismatch(const schema::Pf& pf, const FoundIdentity& found);

// "8086:10c9 (Intel 82576)": a normalised ID with its tested-device name when there is one.
std::string describePciId(const std::string& id);

}  // namespace sriov::reconcile
