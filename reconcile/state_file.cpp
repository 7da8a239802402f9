// Loads a state file back into an ObservedState, with positioned error messages and the
// kernel's and libvirt's invariants checked (writing: state_file_write.cpp).
#include "reconcile/state_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include "reconcile/domain_xml.h"
#include "schema/input_file.h"
#include "schema/mac_address.h"
#include "schema/names.h"
#include "schema/pci_address.h"
#include "schema/text_position.h"
#include "schema/yaml_budget.h"

namespace sriov::reconcile {
namespace {

// ---- Loading ----------------------------------------------------------------------------
// The loader stops at the first problem: helpers throw LoadError, parseStateYaml turns it into
// an Error value. Nothing escapes this file.

struct LoadError {
  YAML::Mark mark;
  std::string message;
};

[[noreturn]] void fail(const YAML::Node& node, std::string message) {
  throw LoadError{node.Mark(), std::move(message)};
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    default:
      return "nothing";
  }
}

std::string prefixed(const std::string& path, const std::string& message) {
  return path.empty() ? message : path + ": " + message;
}

// A map of the state file: which keys it may have, and typed access to them.
class MapNode {
 public:
  MapNode(const YAML::Node& node, std::string path, std::vector<std::string> keys)
      : node_(node), path_(std::move(path)), keys_(std::move(keys)) {
    if (!node_.IsMap()) fail(node_, prefixed(path_, "expected a map, got " + describe(node_)));
  }

  // Unknown keys ("did you mean" when one is close) and duplicate keys are errors.
  void checkKeys() const {
    std::set<std::string> seen;
    for (YAML::const_iterator it = node_.begin(); it != node_.end(); ++it) {
      std::string key = it->first.Scalar();
      if (!seen.insert(key).second) fail(it->first, "duplicate key '" + key + "'" + where());
      if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) continue;
      std::string message = "unknown key '" + key + "'" + where();
      for (const std::string& known : keys_) {
        if (schema::editDistance(key, known) <= 2) {
          message += ", did you mean '" + known + "'?";
          break;
        }
      }
      fail(it->first, message);
    }
  }

  YAML::Node required(const std::string& key) const {
    YAML::Node value = node_[key];
    if (!value.IsDefined()) fail(node_, "missing key '" + key + "'" + where());
    return value;
  }
  YAML::Node optional(const std::string& key) const { return node_[key]; }
  bool has(const std::string& key) const { return node_[key].IsDefined(); }

  std::string keyPath(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  const std::string& path() const { return path_; }
  const YAML::Node& node() const { return node_; }

  std::string string(const std::string& key) const { return readString(required(key), key); }
  std::string string(const std::string& key, const std::string& fallback) const {
    return has(key) ? readString(optional(key), key) : fallback;
  }
  unsigned number(const std::string& key) const { return readUnsigned(required(key), key); }
  unsigned number(const std::string& key, unsigned fallback) const {
    return has(key) ? readUnsigned(optional(key), key) : fallback;
  }
  bool boolean(const std::string& key, bool fallback) const {
    return has(key) ? readBool(optional(key), key) : fallback;
  }
  std::optional<bool> optionalBool(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    return readBool(optional(key), key);
  }
  int integer(const std::string& key, int fallback) const {
    if (!has(key)) return fallback;
    YAML::Node value = optional(key);
    int result = 0;
    const std::string text = value.IsScalar() ? value.Scalar() : "";
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), result);
    if (!value.IsScalar() || text.empty() || ec != std::errc() ||
        end != text.data() + text.size()) {
      fail(value, keyPath(key) + ": expected an integer, got " + describe(value));
    }
    return result;
  }
  // A list under key, empty when the key is absent.
  std::vector<YAML::Node> list(const std::string& key) const {
    std::vector<YAML::Node> items;
    if (!has(key)) return items;
    YAML::Node value = optional(key);
    if (!value.IsSequence())
      fail(value, keyPath(key) + ": expected a list, got " + describe(value));
    for (YAML::const_iterator it = value.begin(); it != value.end(); ++it) items.push_back(*it);
    return items;
  }

 private:
  std::string where() const { return path_.empty() ? "" : " in " + path_; }

  std::string readString(const YAML::Node& value, const std::string& key) const {
    if (!value.IsScalar())
      fail(value, keyPath(key) + ": expected a string, got " + describe(value));
    return value.Scalar();
  }
  unsigned readUnsigned(const YAML::Node& value, const std::string& key) const {
    unsigned result = 0;
    const std::string text = value.IsScalar() ? value.Scalar() : "";
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), result);
    if (!value.IsScalar() || text.empty() || ec != std::errc() ||
        end != text.data() + text.size()) {
      fail(value, keyPath(key) + ": expected an unsigned integer, got " + describe(value));
    }
    return result;
  }
  bool readBool(const YAML::Node& value, const std::string& key) const {
    if (value.IsScalar() && value.Scalar() == "true") return true;
    if (value.IsScalar() && value.Scalar() == "false") return false;
    fail(value, keyPath(key) + ": expected true or false, got " + describe(value));
  }

  YAML::Node node_;
  std::string path_;
  std::vector<std::string> keys_;
};

std::string itemPath(const std::string& list, size_t index) {
  return list + "[" + std::to_string(index) + "]";
}

std::string readPci(const MapNode& map, const std::string& key) {
  std::string text = map.string(key);
  std::optional<std::string> pci = schema::normalisePci(text);
  if (!pci) fail(map.required(key), map.keyPath(key) + ": bad PCI address '" + text + "'");
  return *pci;
}

ObservedVf loadVf(const YAML::Node& node, const std::string& path) {
  MapNode map(node, path,
              {"index", "pci", "netdev", "driver", "mac", "vlan", "qos", "spoofCheck", "trust",
               "linkState", "minTxRate", "maxTxRate"});
  map.checkKeys();
  ObservedVf vf;
  vf.index = map.number("index");
  vf.pci = readPci(map, "pci");
  vf.netdev = map.string("netdev", "");
  vf.driver = map.string("driver", "");
  VfNetlink& s = vf.settings;
  if (map.has("mac")) {
    std::string text = map.string("mac");
    std::optional<std::string> mac = schema::normaliseMac(text);
    if (!mac) fail(map.optional("mac"), map.keyPath("mac") + ": bad MAC address '" + text + "'");
    s.mac = *mac;
  }
  s.vlan = map.number("vlan", 0);
  s.qos = map.number("qos", 0);
  s.spoofCheck = map.optionalBool("spoofCheck");
  s.trust = map.optionalBool("trust");
  if (map.has("linkState")) {
    std::string text = map.string("linkState");
    if (text == "auto") {
      s.linkState = LinkState::auto_;
    } else if (text == "enable") {
      s.linkState = LinkState::enable;
    } else if (text == "disable") {
      s.linkState = LinkState::disable;
    } else {
      fail(map.optional("linkState"), map.keyPath("linkState") + ": unknown link state '" + text +
                                          "', expected auto, enable or disable");
    }
  }
  s.minTxRate = map.number("minTxRate", 0);
  s.maxTxRate = map.number("maxTxRate", 0);
  return vf;
}

// Where the kernel puts VF index of pf (pci_iov_virtfn_bus/devfn): the PF's routing ID plus
// vfOffset + vfStride * index.
std::string kernelVfAddress(const ObservedPf& pf, unsigned index) {
  std::optional<schema::PciAddress> base = schema::PciAddress::parse(pf.pci);
  return base->plusRoutingId(pf.vfOffset + pf.vfStride * index).str();
}

// The PF's own invariants, as the kernel guarantees them (sriov_totalvfs, sriov_numvfs,
// sriov_offset, sriov_stride, the virtfnN links): numVfs <= totalVfs, a stride of at least 1
// when there can be more than one VF and an offset of at least 1 (else VFs share an address),
// each VF listed once, at its index, within totalVfs, at the address offset and stride give.
ObservedPf loadPf(const YAML::Node& node, const std::string& path) {
  MapNode map(node, path,
              {"name", "pci", "driver", "vendorId", "deviceId", "totalVfs", "numVfs", "vfOffset",
               "vfStride", "linkUp", "iommuGroup", "vfs"});
  map.checkKeys();
  ObservedPf pf;
  pf.name = map.string("name", "");
  pf.pci = readPci(map, "pci");
  pf.driver = map.string("driver", "");
  pf.vendorId = map.string("vendorId", "");
  pf.deviceId = map.string("deviceId", "");
  pf.totalVfs = map.number("totalVfs");
  pf.numVfs = map.number("numVfs");
  pf.vfOffset = map.number("vfOffset", 0);
  pf.vfStride = map.number("vfStride", 0);
  pf.linkUp = map.boolean("linkUp", false);
  pf.iommuGroup = map.integer("iommuGroup", -1);
  const YAML::Node& at = node;
  if (pf.numVfs > pf.totalVfs) {
    fail(map.required("numVfs"), map.keyPath("numVfs") + ": " + std::to_string(pf.numVfs) +
                                     " is more than totalVfs " + std::to_string(pf.totalVfs) +
                                     " (the kernel refuses more VFs than the device has)");
  }
  if (pf.totalVfs > 0 && pf.vfOffset == 0) {
    fail(map.has("vfOffset") ? map.optional("vfOffset") : at,
         map.keyPath("vfOffset") + ": 0 puts VF 0 at the PF's own address " + pf.pci +
             "; a device with VFs has a VF offset of at least 1 (sriov_offset)");
  }
  if (pf.totalVfs > 1 && pf.vfStride == 0) {
    fail(map.has("vfStride") ? map.optional("vfStride") : at,
         map.keyPath("vfStride") + ": 0 puts every VF at one PCI address; a device with " +
             std::to_string(pf.totalVfs) + " VFs has a VF stride of at least 1 (sriov_stride)");
  }
  std::vector<YAML::Node> vfs = map.list("vfs");
  std::map<unsigned, size_t> listedAt;
  for (size_t i = 0; i < vfs.size(); ++i) {
    const std::string vfPath = itemPath(map.keyPath("vfs"), i);
    ObservedVf vf = loadVf(vfs[i], vfPath);
    auto [first, inserted] = listedAt.emplace(vf.index, i);
    if (!inserted) {
      fail(vfs[i]["index"], vfPath + ".index: VF " + std::to_string(vf.index) +
                                " is listed twice (also " +
                                itemPath(map.keyPath("vfs"), first->second) + ")");
    }
    if (vf.index >= pf.totalVfs) {
      fail(vfs[i]["index"], vfPath + ".index: " + std::to_string(vf.index) +
                                " is out of range: totalVfs is " + std::to_string(pf.totalVfs));
    }
    if (vf.index != i) {
      fail(vfs[i]["index"],
           vfPath + ".index: expected " + std::to_string(i) + ", got " + std::to_string(vf.index));
    }
    std::string expected = kernelVfAddress(pf, vf.index);
    if (vf.pci != expected) {
      fail(vfs[i]["pci"], vfPath + ".pci: " + vf.pci + " is not where the kernel puts VF " +
                              std::to_string(vf.index) + " of " + pf.pci + ": " + expected +
                              " (vfOffset " + std::to_string(pf.vfOffset) + " + " +
                              std::to_string(vf.index) + " x vfStride " +
                              std::to_string(pf.vfStride) + ")");
    }
    pf.vfs.push_back(std::move(vf));
  }
  if (pf.vfs.size() != pf.numVfs) {
    fail(map.has("vfs") ? map.optional("vfs") : node,
         map.keyPath("vfs") + ": numVfs is " + std::to_string(pf.numVfs) + " but " +
             std::to_string(pf.vfs.size()) + " VFs are listed");
  }
  return pf;
}

ObservedNetwork loadNetwork(const YAML::Node& node, const std::string& path) {
  MapNode map(node, path, {"name", "active", "autostart", "persistent", "xml"});
  map.checkKeys();
  std::string name = map.string("name");
  std::string xml = map.string("xml");
  Result<ObservedNetwork> parsed = parseNetworkXml(xml);
  if (!parsed) fail(map.required("xml"), map.keyPath("xml") + ": " + parsed.error().message);
  ObservedNetwork network = std::move(parsed.value());
  if (network.name != name) {
    fail(map.required("name"), map.keyPath("name") + ": '" + name +
                                   "' does not match the network XML's <name> '" + network.name +
                                   "'");
  }
  network.active = map.boolean("active", false);
  network.autostart = map.boolean("autostart", false);
  network.persistent = map.boolean("persistent", true);
  return network;
}

std::vector<GuestDevice> devicesOf(const MapNode& map, const std::string& key,
                                   const std::string& xml) {
  Result<std::vector<GuestDevice>> devices = parseGuestDevices(xml);
  if (!devices) fail(map.required(key), map.keyPath(key) + ": " + devices.error().message);
  return std::move(devices.value());
}

ObservedDomain loadDomain(const YAML::Node& node, const std::string& path) {
  MapNode map(node, path, {"name", "state", "autostart", "persistent", "xml", "inactiveXml"});
  map.checkKeys();
  ObservedDomain domain;
  domain.name = map.string("name");
  std::string state = map.string("state");
  const DomainState states[] = {DomainState::running, DomainState::paused, DomainState::shutoff,
                                DomainState::other};
  bool known = false;
  for (DomainState s : states) {
    if (state == toString(s)) {
      domain.state = s;
      known = true;
    }
  }
  if (!known) {
    fail(map.required("state"), map.keyPath("state") + ": unknown domain state '" + state +
                                    "', expected running, paused, shutoff or other");
  }
  domain.autostart = map.boolean("autostart", false);
  domain.persistent = map.boolean("persistent", true);
  domain.xml = map.string("xml");
  domain.inactiveXml = map.string("inactiveXml", domain.xml);
  if (domain.state != DomainState::shutoff) domain.liveDevices = devicesOf(map, "xml", domain.xml);
  // A transient domain has no persistent definition: an empty inactiveXml, no config devices.
  if (!domain.inactiveXml.empty()) {
    domain.configDevices =
        devicesOf(map, map.has("inactiveXml") ? "inactiveXml" : "xml", domain.inactiveXml);
  }
  // As LibvirtReader does: pool interfaces that libvirt shows live as hostdev interfaces.
  restoreNetworkInterfaces(domain.liveDevices, domain.configDevices);
  return domain;
}

ObservedState loadDocument(const YAML::Node& root) {
  MapNode map(root, "",
              {"apiVersion", "kind", "hostname", "iommuEnabled", "selinuxVirtUseSysfs",
               "pciDrivers", "files", "pfs", "networks", "domains"});
  // What kind of file this is comes first: a spec given by mistake should say so.
  std::string apiVersion = map.string("apiVersion");
  if (apiVersion != schema::kApiVersion) {
    fail(map.required("apiVersion"),
         "unsupported apiVersion '" + apiVersion + "', expected '" + schema::kApiVersion + "'");
  }
  std::string kind = map.string("kind");
  if (kind != kStateKind) {
    fail(map.required("kind"),
         "unknown kind '" + kind + "', expected '" + std::string(kStateKind) + "'");
  }
  map.checkKeys();
  ObservedState state;
  state.hostname = map.string("hostname");
  state.iommuEnabled = map.boolean("iommuEnabled", false);
  state.selinuxVirtUseSysfs = map.optionalBool("selinuxVirtUseSysfs");
  std::vector<YAML::Node> drivers = map.list("pciDrivers");
  for (size_t i = 0; i < drivers.size(); ++i) {
    if (!drivers[i].IsScalar())
      fail(drivers[i],
           itemPath("pciDrivers", i) + ": expected a string, got " + describe(drivers[i]));
    state.pciDrivers.push_back(drivers[i].Scalar());
  }
  std::sort(state.pciDrivers.begin(), state.pciDrivers.end());
  std::vector<YAML::Node> files = map.list("files");
  for (size_t i = 0; i < files.size(); ++i) {
    MapNode file(files[i], itemPath("files", i), {"path", "content"});
    file.checkKeys();
    state.files[file.string("path")] = file.string("content");
  }

  std::vector<YAML::Node> pfs = map.list("pfs");
  // One device per PCI address and one interface per name on a host: PFs and VFs of every PF.
  std::map<std::string, std::string> pciUsers;
  std::map<std::string, std::string> nameUsers;
  auto claim = [](std::map<std::string, std::string>& users, const std::string& key,
                  const std::string& user, const YAML::Node& node, const std::string& what) {
    auto [other, inserted] = users.emplace(key, user);
    if (!inserted) fail(node, user + ": " + what + " is also " + other->second);
  };
  for (size_t i = 0; i < pfs.size(); ++i) {
    const std::string pfPath = itemPath("pfs", i);
    ObservedPf pf = loadPf(pfs[i], pfPath);
    if (pciUsers.count(pf.pci) && pciUsers[pf.pci].find(".vfs[") == std::string::npos) {
      fail(pfs[i]["pci"], pfPath + ".pci: duplicate PF " + pf.pci);
    }
    claim(pciUsers, pf.pci, pfPath + ".pci", pfs[i]["pci"], "PCI address " + pf.pci);
    if (!pf.name.empty())
      claim(nameUsers, pf.name, pfPath + ".name", pfs[i]["name"], "interface '" + pf.name + "'");
    for (size_t v = 0; v < pf.vfs.size(); ++v) {
      const std::string vfPath = itemPath(pfPath + ".vfs", v);
      const YAML::Node vfNode = pfs[i]["vfs"][v];
      claim(pciUsers, pf.vfs[v].pci, vfPath + ".pci", vfNode["pci"],
            "PCI address " + pf.vfs[v].pci);
      if (!pf.vfs[v].netdev.empty()) {
        claim(nameUsers, pf.vfs[v].netdev, vfPath + ".netdev", vfNode["netdev"],
              "interface '" + pf.vfs[v].netdev + "'");
      }
    }
    state.pfs.push_back(std::move(pf));
  }
  std::vector<YAML::Node> networks = map.list("networks");
  std::set<std::string> networkNames;
  for (size_t i = 0; i < networks.size(); ++i) {
    ObservedNetwork network = loadNetwork(networks[i], itemPath("networks", i));
    if (!networkNames.insert(network.name).second) {
      fail(networks[i]["name"],
           itemPath("networks", i) + ".name: duplicate network '" + network.name + "'");
    }
    state.networks.push_back(std::move(network));
  }
  std::vector<YAML::Node> domains = map.list("domains");
  std::set<std::string> domainNames;
  for (size_t i = 0; i < domains.size(); ++i) {
    ObservedDomain domain = loadDomain(domains[i], itemPath("domains", i));
    if (!domainNames.insert(domain.name).second) {
      fail(domains[i]["name"],
           itemPath("domains", i) + ".name: duplicate domain '" + domain.name + "'");
    }
    state.domains.push_back(std::move(domain));
  }
  sortState(state);
  return state;
}

Error positioned(const std::string& fileName, const schema::TextColumns& columns,
                 const YAML::Mark& mark, const std::string& message) {
  // yaml-cpp counts from 0, columns in bytes; a null mark (no position known) is at 1:1.
  int line = mark.is_null() ? 1 : mark.line + 1;
  int col = mark.is_null() ? 1 : columns.characterColumn(line, mark.column + 1);
  return Error{fileName + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + message,
               0};
}

}  // namespace

Result<ObservedState> parseStateYaml(const std::string& rawText, const std::string& fileName) {
  // Lines end at LF, CRLF or a lone CR; columns count characters (schema/text_position.h).
  const std::string text = schema::normaliseLineBreaks(rawText);
  const schema::TextColumns columns(text);
  schema::YamlLimits limits;
  limits.maxScalarBytes = schema::kMaxStateBytes;
  schema::YamlScan scan = schema::scanYaml(text, limits);
  if (scan.error)
    return Error{fileName + ":" + std::to_string(scan.line) + ":" +
                     std::to_string(columns.characterColumn(scan.line, scan.column)) + ": " +
                     *scan.error,
                 0};
  if (scan.documents > 1)
    return Error{fileName + ":" + std::to_string(scan.secondDocumentLine) + ":" +
                     std::to_string(columns.characterColumn(scan.secondDocumentLine,
                                                            scan.secondDocumentColumn)) +
                     ": expected one YAML document (a state file as `sriov-apply show` prints)",
                 0};
  try {
    YAML::Node root = YAML::Load(text);
    return loadDocument(root);
  } catch (const LoadError& e) {
    return positioned(fileName, columns, e.mark, e.message);
  } catch (const YAML::Exception& e) {
    return positioned(fileName, columns, e.mark, e.msg);
  }
}

Result<ObservedState> loadStateFile(const std::string& path) {
  Result<std::string> text =
      schema::readInputFile(path, schema::kMaxStateBytes, "state file '" + path + "'");
  if (!text) return text.error();
  return parseStateYaml(*text, path);
}

}  // namespace sriov::reconcile
