// Text of a libvirt <vlan> trunk and the SR-IOV rule libvirt applies to it at start.
#include "schema/vlan.h"

namespace sriov::schema {

std::string vlanTrunkText(const VlanTrunk& v) {
  std::string out = "tags ";
  for (size_t i = 0; i < v.tags.size(); ++i) out += (i ? "," : "") + std::to_string(v.tags[i]);
  if (v.trunk) out += " trunk";
  if (v.native) out += " native " + std::to_string(*v.native) + " " + v.nativeMode;
  return out;
}

bool sriovRefuses(const VlanTrunk& v) {
  return v.tags.size() != 1 || v.trunk;
}

}  // namespace sriov::schema
