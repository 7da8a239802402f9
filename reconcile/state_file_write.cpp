// Writes an ObservedState as a state file (YAML) or its JSON form, sorted as the loader expects
// (loading: state_file.cpp).
#include <algorithm>

#include "reconcile/state_file.h"
#include "reconcile/yaml_writer.h"

namespace sriov::reconcile {
namespace {

using Json = nlohmann::ordered_json;

Json vfJson(const ObservedVf& vf) {
  Json j;
  j["index"] = vf.index;
  j["pci"] = vf.pci;
  if (!vf.netdev.empty()) j["netdev"] = vf.netdev;
  if (!vf.driver.empty()) j["driver"] = vf.driver;
  const VfNetlink& s = vf.settings;
  j["mac"] = s.mac;
  j["vlan"] = s.vlan;
  j["qos"] = s.qos;
  if (s.spoofCheck) j["spoofCheck"] = *s.spoofCheck;
  if (s.trust) j["trust"] = *s.trust;
  j["linkState"] = schema::toString(s.linkState);
  j["minTxRate"] = s.minTxRate;
  j["maxTxRate"] = s.maxTxRate;
  if (vf.libvirtSaved) {
    const LibvirtSavedVf& saved = *vf.libvirtSaved;
    Json k = Json::object();
    if (!saved.adminMac.empty()) k["adminMac"] = saved.adminMac;
    if (saved.vlanTag) k["vlanTag"] = *saved.vlanTag;
    if (!saved.mac.empty()) k["mac"] = saved.mac;
    j["libvirtSaved"] = k;
  }
  return j;
}

Json pfJson(const ObservedPf& pf) {
  Json j;
  if (!pf.name.empty()) j["name"] = pf.name;
  j["pci"] = pf.pci;
  if (!pf.driver.empty()) j["driver"] = pf.driver;
  j["vendorId"] = pf.vendorId;
  j["deviceId"] = pf.deviceId;
  if (!pf.subsystemVendorId.empty()) j["subsystemVendorId"] = pf.subsystemVendorId;
  if (!pf.subsystemDeviceId.empty()) j["subsystemDeviceId"] = pf.subsystemDeviceId;
  j["totalVfs"] = pf.totalVfs;
  j["numVfs"] = pf.numVfs;
  j["vfOffset"] = pf.vfOffset;
  j["vfStride"] = pf.vfStride;
  j["linkUp"] = pf.linkUp;
  if (pf.iommuGroup >= 0) j["iommuGroup"] = pf.iommuGroup;
  j["vfs"] = Json::array();
  for (const ObservedVf& vf : pf.vfs) j["vfs"].push_back(vfJson(vf));
  return j;
}

Json networkJson(const ObservedNetwork& network) {
  Json j;
  j["name"] = network.name;
  j["active"] = network.active;
  j["autostart"] = network.autostart;
  j["persistent"] = network.persistent;
  j["xml"] = network.xml;
  return j;
}

Json domainJson(const ObservedDomain& domain) {
  Json j;
  j["name"] = domain.name;
  j["state"] = toString(domain.state);
  j["autostart"] = domain.autostart;
  j["persistent"] = domain.persistent;
  j["xml"] = domain.xml;
  if (domain.inactiveXml != domain.xml) j["inactiveXml"] = domain.inactiveXml;
  return j;
}

Json documentJson(const ObservedState& unsorted) {
  ObservedState state = unsorted;
  sortState(state);
  Json j;
  j["apiVersion"] = schema::kApiVersion;
  j["kind"] = kStateKind;
  j["hostname"] = state.hostname;
  j["iommuEnabled"] = state.iommuEnabled;
  if (state.selinuxVirtUseSysfs) j["selinuxVirtUseSysfs"] = *state.selinuxVirtUseSysfs;
  if (!state.pciDrivers.empty()) j["pciDrivers"] = state.pciDrivers;
  if (!state.files.empty()) {
    j["files"] = Json::array();
    for (const auto& [path, content] : state.files)
      j["files"].push_back(Json{{"path", path}, {"content", content}});
  }
  j["pfs"] = Json::array();
  for (const ObservedPf& pf : state.pfs) j["pfs"].push_back(pfJson(pf));
  j["networks"] = Json::array();
  for (const ObservedNetwork& n : state.networks) j["networks"].push_back(networkJson(n));
  j["domains"] = Json::array();
  for (const ObservedDomain& d : state.domains) j["domains"].push_back(domainJson(d));
  return j;
}

}  // namespace

void sortState(ObservedState& state) {
  std::sort(state.pfs.begin(), state.pfs.end(),
            [](const ObservedPf& a, const ObservedPf& b) { return a.pci < b.pci; });
  for (ObservedPf& pf : state.pfs) {
    std::sort(pf.vfs.begin(), pf.vfs.end(),
              [](const ObservedVf& a, const ObservedVf& b) { return a.index < b.index; });
  }
  std::sort(state.networks.begin(), state.networks.end(),
            [](const ObservedNetwork& a, const ObservedNetwork& b) { return a.name < b.name; });
  std::sort(state.domains.begin(), state.domains.end(),
            [](const ObservedDomain& a, const ObservedDomain& b) { return a.name < b.name; });
}

std::string toStateYaml(const ObservedState& state) {
  return toYaml(documentJson(state));
}

nlohmann::json toStateJson(const ObservedState& state) {
  return nlohmann::json::parse(
      documentJson(state).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace sriov::reconcile
