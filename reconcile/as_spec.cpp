// Writes an observed host as a spec that describes it (show --as-spec).
#include "reconcile/as_spec.h"

#include <optional>
#include <set>

#include "reconcile/domain_xml.h"
#include "reconcile/persistence.h"
#include "reconcile/state_file.h"
#include "reconcile/yaml_writer.h"
#include "schema/mac_address.h"
#include "schema/spec.h"

namespace sriov::reconcile {
namespace {

using Json = nlohmann::ordered_json;

// The {pf, index} of the VF at pci, if it is a VF of an observed PF.
std::optional<Json> vfRef(const ObservedState& state, const std::string& pci) {
  for (const ObservedPf& pf : state.pfs) {
    for (const ObservedVf& vf : pf.vfs) {
      if (vf.pci == pci) return Json{{"pf", pf.label()}, {"index", vf.index}};
    }
  }
  return std::nullopt;
}

// PCI addresses running guests hold through hostdevs and hostdev interfaces, and through
// network interfaces on hostdev networks (their live XML shows the VF each one got; libvirt set
// its MAC and bound it to vfio-pci, which is no host-side setting).
std::set<std::string> heldByGuests(const ObservedState& state) {
  std::set<std::string> held;
  for (const ObservedDomain& domain : state.domains) {
    if (domain.state == DomainState::shutoff) continue;
    for (const GuestDevice& device : domain.liveDevices) {
      if (!device.pci.empty()) held.insert(device.pci);
    }
    Result<std::vector<GuestDevice>> live = parseGuestDevices(domain.xml);
    if (!live) continue;
    for (const auto& [index, pci] : restoreNetworkInterfaces(*live, domain.configDevices))
      held.insert(pci);
  }
  return held;
}

// The VF's settings that differ from a new VF's, as a spec vfs entry; nullopt when none do.
std::optional<Json> vfEntry(const ObservedVf& vf) {
  const VfNetlink& s = vf.settings;
  Json j;
  j["index"] = vf.index;
  if (!schema::isZeroMac(s.mac)) j["mac"] = s.mac;
  if (s.vlan != 0) j["vlan"] = s.vlan;
  if (s.qos != 0) j["qos"] = s.qos;
  if (s.spoofCheck == false) j["spoofCheck"] = false;
  if (s.trust == true) j["trust"] = true;
  if (s.linkState != LinkState::auto_) j["linkState"] = schema::toString(s.linkState);
  if (s.minTxRate != 0) j["minTxRate"] = s.minTxRate;
  if (s.maxTxRate != 0) j["maxTxRate"] = s.maxTxRate;
  if (vf.driver == "vfio-pci") j["driver"] = vf.driver;
  if (j.size() == 1) return std::nullopt;
  return j;
}

Json pfsJson(const ObservedState& state) {
  const std::set<std::string> held = heldByGuests(state);
  Json pfs = Json::array();
  for (const ObservedPf& pf : state.pfs) {
    Json j;
    if (!pf.name.empty()) j["name"] = pf.name;
    j["pci"] = pf.pci;
    j["numVfs"] = pf.numVfs;
    // persist: true only where the persistence rules already re-create this PF's VFs, so that
    // applying the printed spec changes nothing.
    auto rules = state.files.find(kDefaultPersistFile);
    j["persist"] =
        rules != state.files.end() && rules->second.find("\"" + pf.pci + "\"") != std::string::npos;
    Json vfs = Json::array();
    for (const ObservedVf& vf : pf.vfs) {
      if (held.count(vf.pci)) continue;
      if (std::optional<Json> entry = vfEntry(vf)) vfs.push_back(*entry);
    }
    if (!vfs.empty()) j["vfs"] = vfs;
    pfs.push_back(j);
  }
  return pfs;
}

Json networksJson(const ObservedState& state) {
  Json networks = Json::array();
  for (const ObservedNetwork& network : state.networks) {
    // A network sriov-apply did not define would make apply refuse (it is not taken over
    // without --force): left out, and said so at the top.
    if (network.forwardMode != "hostdev" || !network.owned) continue;
    Json j;
    j["name"] = network.name;
    if (!network.pfDev.empty()) {
      j["pf"] = network.pfDev;
    } else {
      Json vfs = Json::array();
      Json skipped = Json::array();
      for (const std::string& pci : network.vfs) {
        if (std::optional<Json> ref = vfRef(state, pci)) {
          vfs.push_back(*ref);
        } else {
          skipped.push_back(pci + " is not a VF of a PF on this host; left out");
        }
      }
      if (!skipped.empty()) j["#"] = skipped;
      j["vfs"] = vfs;
    }
    j["managed"] = network.managed;
    if (network.vlan) j["vlan"] = *network.vlan;
    j["autostart"] = network.autostart;
    j["active"] = network.active;
    networks.push_back(j);
  }
  return networks;
}

// mac, vlan and virtualport of an interface entry.
void addInterfaceSettings(Json& j, const GuestDevice& device) {
  if (!device.mac.empty()) j["mac"] = device.mac;
  if (device.vlan) j["vlan"] = *device.vlan;
  if (const std::optional<Virtualport>& port = device.virtualport) {
    Json v;
    v["type"] = port->type;
    if (port->profileid) v["profileid"] = *port->profileid;
    if (port->instanceid) v["instanceid"] = *port->instanceid;
    if (port->managerid) v["managerid"] = *port->managerid;
    if (port->typeid_) v["typeid"] = *port->typeid_;
    if (port->typeidversion) v["typeidversion"] = *port->typeidversion;
    j["virtualport"] = v;
  }
}

Json guestsJson(const ObservedState& state) {
  Json guests = Json::array();
  for (const ObservedDomain& domain : state.domains) {
    Json interfaces = Json::array();
    Json hostdevs = Json::array();
    Json skipped = Json::array();
    for (const GuestDevice& device : domain.configDevices) {
      Json j;
      switch (device.kind) {
        case GuestDevice::Kind::hostdevInterface:
          if (std::optional<Json> ref = vfRef(state, device.pci)) {
            j["vf"] = *ref;
            addInterfaceSettings(j, device);
            interfaces.push_back(j);
          } else {
            skipped.push_back("<interface type='hostdev'> at " + device.pci +
                              " is not a VF of a PF on this host; left out");
          }
          break;
        case GuestDevice::Kind::networkInterface: {
          const ObservedNetwork* network = state.findNetwork(device.network);
          if (!network || network->forwardMode != "hostdev") break;  // not SR-IOV
          j["network"] = device.network;
          addInterfaceSettings(j, device);
          interfaces.push_back(j);
          break;
        }
        case GuestDevice::Kind::hostdev:
          if (std::optional<Json> ref = vfRef(state, device.pci)) {
            j["vf"] = *ref;
          } else {
            j["pci"] = device.pci;
          }
          hostdevs.push_back(j);
          break;
      }
    }
    if (interfaces.empty() && hostdevs.empty() && skipped.empty()) continue;
    Json guest;
    guest["name"] = domain.name;
    if (!skipped.empty()) guest["#"] = skipped;
    if (!interfaces.empty()) guest["interfaces"] = interfaces;
    if (!hostdevs.empty()) guest["hostdevs"] = hostdevs;
    guests.push_back(guest);
  }
  return guests;
}

Json specDocument(const ObservedState& unsorted) {
  ObservedState state = unsorted;
  sortState(state);
  Json j;
  Json unowned = Json::array();
  for (const ObservedNetwork& network : state.networks) {
    if (network.forwardMode == "hostdev" && !network.owned) {
      unowned.push_back("network '" + network.name +
                        "' was not defined by sriov-apply; to manage it, add it under networks "
                        "and apply once with --force");
    }
  }
  if (!unowned.empty()) j["#"] = unowned;
  j["apiVersion"] = schema::kApiVersion;
  if (!state.hostname.empty()) j["host"] = state.hostname;
  j["pfs"] = pfsJson(state);
  j["networks"] = networksJson(state);
  j["guests"] = guestsJson(state);
  return j;
}

// The document without its comment keys.
Json withoutComments(const Json& value) {
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& item : value) out.push_back(withoutComments(item));
    return out;
  }
  if (!value.is_object()) return value;
  Json out = Json::object();
  for (const auto& [key, item] : value.items()) {
    if (key.empty() || key[0] != '#') out[key] = withoutComments(item);
  }
  return out;
}

}  // namespace

std::string toSpecYaml(const ObservedState& state) {
  std::string header = "# Generated by `sriov-apply show --as-spec`";
  if (!state.hostname.empty()) header += " on " + state.hostname;
  header += ": the host as it was observed.\n";
  return header + toYaml(specDocument(state));
}

nlohmann::ordered_json toSpecJson(const ObservedState& state) {
  return withoutComments(specDocument(state));
}

}  // namespace sriov::reconcile
