// The SR-IOV devices the RHEL virtualization guides list as tested, by PCI vendor:device id.
#pragma once

#include <string>

namespace sriov::reconcile {

// The device's name when the guides list it; nullptr when not.
const char* testedDeviceName(const std::string& vendorId, const std::string& deviceId);

}  // namespace sriov::reconcile
