// Text forms of devices, pools and VF changes for actions and findings.
#include "reconcile/planning/describe.h"

#include <vector>

namespace sriov::reconcile::planning {

std::string onOff(bool b) {
  return b ? "on" : "off";
}

std::string deviceSummary(const GuestDevice& d) {
  std::string out;
  switch (d.kind) {
    case GuestDevice::Kind::hostdevInterface:
      out = "hostdev interface " + d.pci;
      break;
    case GuestDevice::Kind::networkInterface:
      out = "interface on network " + d.network;
      break;
    case GuestDevice::Kind::hostdev:
      out = "hostdev " + d.pci;
      break;
  }
  if (!d.mac.empty()) out += " mac " + d.mac;
  if (d.vlanForm) {
    out += " vlan " + schema::vlanTrunkText(*d.vlanForm);
  } else if (d.vlan) {
    out += " vlan " + std::to_string(*d.vlan);
  }
  if (d.virtualport) {
    out += " virtualport " + d.virtualport->type;
    if (d.virtualport->profileid) out += " " + *d.virtualport->profileid;
  }
  return out;
}

std::string networkSummary(const NetworkDefinition& n) {
  std::string out = "hostdev pool of ";
  if (!n.pfDev.empty()) {
    out += "pf " + n.pfDev;
  } else {
    out += std::to_string(n.vfs.size()) + " VF" + (n.vfs.size() == 1 ? "" : "s");
    for (const std::string& vf : n.vfs) out += " " + vf;
  }
  out += n.managed ? ", managed" : ", unmanaged";
  if (n.vlanForm) {
    out += ", vlan " + schema::vlanTrunkText(*n.vlanForm);
  } else if (n.vlan) {
    out += ", vlan " + std::to_string(*n.vlan);
  }
  return out;
}

std::string networkSummary(const ObservedNetwork& n) {
  if (n.forwardMode != "hostdev")
    return "forward mode " + (n.forwardMode.empty() ? "none" : n.forwardMode);
  NetworkDefinition d{n.name, "", n.pfDev, n.vfs, n.managed, n.vlan, n.vlanForm};
  return networkSummary(d);
}

std::string vfChangeText(const VfChange& c) {
  std::vector<std::string> parts;
  if (c.mac) parts.push_back("mac " + *c.mac);
  if (c.vlan) parts.push_back("vlan " + std::to_string(*c.vlan));
  if (c.qos) parts.push_back("qos " + std::to_string(*c.qos));
  if (c.spoofCheck) parts.push_back("spoofchk " + onOff(*c.spoofCheck));
  if (c.trust) parts.push_back("trust " + onOff(*c.trust));
  if (c.linkState) parts.push_back(std::string("state ") + schema::toString(*c.linkState));
  if (c.minTxRate) parts.push_back("min_tx_rate " + std::to_string(*c.minTxRate));
  if (c.maxTxRate) parts.push_back("max_tx_rate " + std::to_string(*c.maxTxRate));
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace sriov::reconcile::planning
