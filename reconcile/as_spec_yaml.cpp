// Writes the spec hostSpec builds as show --as-spec prints it: YAML with the notes as comments,
// or JSON without them; keys in the order of docs/spec.md.
#include "reconcile/as_spec.h"
#include "reconcile/yaml_writer.h"

namespace sriov::reconcile {
namespace {

using Json = nlohmann::ordered_json;

Json refJson(const schema::VfRef& ref) {
  return Json{{"pf", ref.pf}, {"index", ref.index}};
}

// The notes on object, as a comment key's value (null when none).
Json notesJson(const HostSpec& h, const std::string& object) {
  Json notes = Json::array();
  for (const SpecNote& n : h.notes)
    if (n.object == object) notes.push_back(n.text);
  return notes;
}

// vlan: 42, or the mapping form of a trunk (tags, trunk, native, nativeMode).
Json vlanJson(unsigned vlan, const std::optional<schema::VlanTrunk>& trunk) {
  if (!trunk) return vlan;
  Json tags = Json::array();
  for (unsigned id : trunk->tags) tags.push_back(id);
  Json j;
  j["tags"] = tags;
  if (trunk->trunk) j["trunk"] = true;
  if (trunk->native) {
    j["native"] = *trunk->native;
    j["nativeMode"] = trunk->nativeMode;
  }
  return j;
}

Json vfEntryJson(const schema::VfEntry& e) {
  const schema::VfSettings& s = e.settings;
  Json j;
  j["index"] = e.first;
  if (s.mac) j["mac"] = *s.mac;
  if (s.vlan.value_or(0) != 0) j["vlan"] = *s.vlan;
  if (s.qos.value_or(0) != 0) j["qos"] = *s.qos;
  if (s.spoofCheck) j["spoofCheck"] = *s.spoofCheck;
  if (s.trust) j["trust"] = *s.trust;
  if (s.linkState) j["linkState"] = schema::toString(*s.linkState);
  if (s.minTxRate.value_or(0) != 0) j["minTxRate"] = *s.minTxRate;
  if (s.maxTxRate.value_or(0) != 0) j["maxTxRate"] = *s.maxTxRate;
  if (s.driver) j["driver"] = *s.driver;
  return j;
}

Json pfJson(const schema::Pf& p) {
  Json j;
  if (p.name) j["name"] = *p.name;
  if (p.pci) j["pci"] = *p.pci;
  j["numVfs"] = p.numVfs;
  j["persist"] = p.persist;
  if (!p.vfs.empty()) {
    Json vfs = Json::array();
    for (const schema::VfEntry& e : p.vfs) vfs.push_back(vfEntryJson(e));
    j["vfs"] = vfs;
  }
  return j;
}

Json networkJson(const HostSpec& h, const schema::Network& n) {
  Json j;
  j["name"] = n.name;
  if (Json notes = notesJson(h, "network " + n.name); !notes.empty()) j["#"] = notes;
  if (n.pf) {
    j["pf"] = *n.pf;
  } else {
    Json vfs = Json::array();
    for (const schema::VfRef& ref : n.vfs) vfs.push_back(refJson(ref));
    j["vfs"] = vfs;
  }
  j["managed"] = n.managed;
  if (n.vlan) j["vlan"] = vlanJson(*n.vlan, n.vlanTrunk);
  j["autostart"] = n.autostart;
  j["active"] = n.active;
  return j;
}

Json virtualportJson(const Virtualport& port) {
  Json v;
  v["type"] = port.type;
  if (port.profileid) v["profileid"] = *port.profileid;
  if (port.instanceid) v["instanceid"] = *port.instanceid;
  if (port.managerid) v["managerid"] = *port.managerid;
  if (port.typeid_) v["typeid"] = *port.typeid_;
  if (port.typeidversion) v["typeidversion"] = *port.typeidversion;
  return v;
}

Json interfaceJson(const schema::Interface& i) {
  Json j;
  if (i.kind == schema::Interface::Kind::vf)
    j["vf"] = refJson(i.vf);
  else
    j["network"] = i.network;
  if (i.mac) j["mac"] = *i.mac;
  if (i.vlan) j["vlan"] = vlanJson(*i.vlan, i.vlanTrunk);
  if (i.virtualport) j["virtualport"] = virtualportJson(*i.virtualport);
  if (!i.managed) j["managed"] = false;
  return j;
}

Json hostdevJson(const schema::Hostdev& h) {
  Json j;
  if (h.vf)
    j["vf"] = refJson(*h.vf);
  else if (h.pci)
    j["pci"] = *h.pci;
  if (!h.managed) j["managed"] = false;
  return j;
}

Json guestJson(const HostSpec& h, const schema::Guest& g) {
  Json j;
  j["name"] = g.name;
  if (Json notes = notesJson(h, "guest " + g.name); !notes.empty()) j["#"] = notes;
  if (!g.interfaces.empty()) {
    Json list = Json::array();
    for (const schema::Interface& i : g.interfaces) list.push_back(interfaceJson(i));
    j["interfaces"] = list;
  }
  if (!g.hostdevs.empty()) {
    Json list = Json::array();
    for (const schema::Hostdev& d : g.hostdevs) list.push_back(hostdevJson(d));
    j["hostdevs"] = list;
  }
  return j;
}

Json specDocument(const ObservedState& state) {
  const HostSpec h = hostSpec(state);
  Json j;
  if (Json notes = notesJson(h, ""); !notes.empty()) j["#"] = notes;
  j["apiVersion"] = schema::kApiVersion;
  if (h.spec.host) j["host"] = *h.spec.host;
  j["pfs"] = Json::array();
  for (const schema::Pf& p : h.spec.pfs) j["pfs"].push_back(pfJson(p));
  j["networks"] = Json::array();
  for (const schema::Network& n : h.spec.networks) j["networks"].push_back(networkJson(h, n));
  j["guests"] = Json::array();
  for (const schema::Guest& g : h.spec.guests) j["guests"].push_back(guestJson(h, g));
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
