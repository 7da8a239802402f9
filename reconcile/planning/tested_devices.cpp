// The tested-devices list. Source: Red Hat Enterprise Linux 9 "Configuring and managing
// virtualization", section "Supported devices for SR-IOV assignment" (Intel 82576, 82599, X540,
// X710, XL710, X722, E810; Mellanox ConnectX-5/6 Dx/7; Broadcom BCM57414, BCM57508, BCM57810).
#include "reconcile/planning/tested_devices.h"

namespace sriov::reconcile {
namespace {

struct DeviceId {
  const char* vendor;
  const char* device;
  const char* name;
};

constexpr DeviceId kTested[] = {
    {"0x8086", "0x10c9", "Intel 82576"},
    {"0x8086", "0x10e6", "Intel 82576"},
    {"0x8086", "0x10e7", "Intel 82576"},
    {"0x8086", "0x10e8", "Intel 82576"},
    {"0x8086", "0x1526", "Intel 82576"},
    {"0x8086", "0x10fb", "Intel 82599ES"},
    {"0x8086", "0x10fc", "Intel 82599"},
    {"0x8086", "0x154d", "Intel 82599ES"},
    {"0x8086", "0x1528", "Intel X540"},
    {"0x8086", "0x1572", "Intel X710"},
    {"0x8086", "0x1583", "Intel XL710"},
    {"0x8086", "0x1584", "Intel XL710"},
    {"0x8086", "0x37d2", "Intel X722"},
    {"0x8086", "0x1592", "Intel E810-C"},
    {"0x8086", "0x159b", "Intel E810-XXV"},
    {"0x15b3", "0x1017", "Mellanox ConnectX-5"},
    {"0x15b3", "0x1019", "Mellanox ConnectX-5 Ex"},
    {"0x15b3", "0x101d", "Mellanox ConnectX-6 Dx"},
    {"0x15b3", "0x1021", "Mellanox ConnectX-7"},
    {"0x14e4", "0x16d7", "Broadcom BCM57414"},
    {"0x14e4", "0x1750", "Broadcom BCM57508"},
    {"0x14e4", "0x168e", "Broadcom BCM57810"},
};

}  // namespace

const char* testedDeviceName(const std::string& vendorId, const std::string& deviceId) {
  for (const DeviceId& d : kTested)
    if (vendorId == d.vendor && deviceId == d.device) return d.name;
  return nullptr;
}

}  // namespace sriov::reconcile
