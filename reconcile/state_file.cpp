// Loads a state file back into an ObservedState, with positioned error messages and the
// kernel's and libvirt's invariants checked (writing: state_file_write.cpp).
#include "reconcile/state_file.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include "reconcile/domain_xml.h"
#include "reconcile/state_keys.h"
#include "schema/input_file.h"
#include "schema/mac_address.h"
#include "schema/names.h"
#include "schema/pci_address.h"
#include "schema/shape.h"
#include "schema/text_position.h"
#include "schema/yaml_budget.h"
#include "schema/yaml_tree.h"

namespace sriov::reconcile {
namespace {

// ---- Loading ----------------------------------------------------------------------------
// The loader stops at the first problem: helpers throw LoadError, parseStateYaml turns it into
// an Error value. Nothing escapes this file.

struct LoadError {
  schema::Position position;
  std::string message;
};

[[noreturn]] void fail(const schema::YamlNode& node, std::string message) {
  throw LoadError{node.position(), std::move(message)};
}

// A map of the state file whose keys and types checkShape has already checked against the key
// table (state_keys.cpp): typed access, the defaults of absent keys, and paths for messages.
class MapNode {
 public:
  MapNode(const schema::YamlNode& node, std::string path) : node_(node), path_(std::move(path)) {}

  // The value under key (a missing key: an undefined node positioned at the map).
  schema::YamlNode at(const std::string& key) const { return node_[key]; }
  bool has(const std::string& key) const { return node_[key].defined(); }

  std::string keyPath(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }

  std::string string(const std::string& key) const { return node_[key].scalar(); }
  std::string string(const std::string& key, const std::string& fallback) const {
    return has(key) ? string(key) : fallback;
  }
  int64_t number(const std::string& key, int64_t fallback = 0) const {
    return has(key) ? schema::readInteger(node_[key]).value_or(fallback) : fallback;
  }
  bool boolean(const std::string& key, bool fallback) const {
    return optionalBool(key).value_or(fallback);
  }
  std::optional<bool> optionalBool(const std::string& key) const {
    return has(key) ? schema::readBoolean(node_[key]) : std::nullopt;
  }
  // A list under key, empty when the key is absent.
  std::vector<schema::YamlNode> list(const std::string& key) const { return node_[key].items(); }

 private:
  schema::YamlNode node_;
  std::string path_;
};

std::string itemPath(const std::string& list, size_t index) {
  return list + "[" + std::to_string(index) + "]";
}

std::string readPci(const MapNode& map, const std::string& key) {
  std::string text = map.string(key);
  std::optional<std::string> pci = schema::normalisePci(text);
  if (!pci) fail(map.at(key), map.keyPath(key) + ": bad PCI address '" + text + "'");
  return *pci;
}

// The MAC under key, normalised; fallback when the key is absent.
std::string readMac(const MapNode& map, const std::string& key, const std::string& fallback) {
  if (!map.has(key)) return fallback;
  std::string text = map.string(key);
  std::optional<std::string> mac = schema::normaliseMac(text);
  if (!mac) fail(map.at(key), map.keyPath(key) + ": bad MAC address '" + text + "'");
  return *mac;
}

LibvirtSavedVf loadLibvirtSaved(const schema::YamlNode& node, const std::string& path) {
  MapNode map(node, path);
  LibvirtSavedVf saved;
  saved.adminMac = readMac(map, "adminMac", "");
  if (map.has("vlanTag")) saved.vlanTag = static_cast<unsigned>(map.number("vlanTag"));
  saved.mac = readMac(map, "mac", "");
  return saved;
}

ObservedVf loadVf(const schema::YamlNode& node, const std::string& path) {
  MapNode map(node, path);
  ObservedVf vf;
  vf.index = map.number("index");
  vf.pci = readPci(map, "pci");
  vf.netdev = map.string("netdev", "");
  vf.driver = map.string("driver", "");
  VfNetlink& s = vf.settings;
  s.mac = readMac(map, "mac", s.mac);
  s.vlan = map.number("vlan", 0);
  s.qos = map.number("qos", 0);
  s.spoofCheck = map.optionalBool("spoofCheck");
  s.trust = map.optionalBool("trust");
  if (map.has("linkState")) {
    const std::string text = map.string("linkState");  // one of them: checkShape
    s.linkState = text == "enable"    ? LinkState::enable
                  : text == "disable" ? LinkState::disable
                                      : LinkState::auto_;
  }
  s.minTxRate = map.number("minTxRate", 0);
  s.maxTxRate = map.number("maxTxRate", 0);
  if (map.has("libvirtSaved"))
    vf.libvirtSaved = loadLibvirtSaved(map.at("libvirtSaved"), map.keyPath("libvirtSaved"));
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
ObservedPf loadPf(const schema::YamlNode& node, const std::string& path) {
  MapNode map(node, path);
  ObservedPf pf;
  pf.name = map.string("name", "");
  pf.pci = readPci(map, "pci");
  pf.driver = map.string("driver", "");
  pf.vendorId = map.string("vendorId", "");
  pf.deviceId = map.string("deviceId", "");
  pf.subsystemVendorId = map.string("subsystemVendorId", "");
  pf.subsystemDeviceId = map.string("subsystemDeviceId", "");
  pf.totalVfs = map.number("totalVfs");
  pf.numVfs = map.number("numVfs");
  pf.vfOffset = map.number("vfOffset", 0);
  pf.vfStride = map.number("vfStride", 0);
  pf.linkUp = map.boolean("linkUp", false);
  pf.iommuGroup = static_cast<int>(map.number("iommuGroup", -1));
  const schema::YamlNode& at = node;
  if (pf.numVfs > pf.totalVfs) {
    fail(map.at("numVfs"), map.keyPath("numVfs") + ": " + std::to_string(pf.numVfs) +
                               " is more than totalVfs " + std::to_string(pf.totalVfs) +
                               " (the kernel refuses more VFs than the device has)");
  }
  if (pf.totalVfs > 0 && pf.vfOffset == 0) {
    fail(map.has("vfOffset") ? map.at("vfOffset") : at,
         map.keyPath("vfOffset") + ": 0 puts VF 0 at the PF's own address " + pf.pci +
             "; a device with VFs has a VF offset of at least 1 (sriov_offset)");
  }
  if (pf.totalVfs > 1 && pf.vfStride == 0) {
    fail(map.has("vfStride") ? map.at("vfStride") : at,
         map.keyPath("vfStride") + ": 0 puts every VF at one PCI address; a device with " +
             std::to_string(pf.totalVfs) + " VFs has a VF stride of at least 1 (sriov_stride)");
  }
  std::vector<schema::YamlNode> vfs = map.list("vfs");
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
    fail(map.has("vfs") ? map.at("vfs") : node,
         map.keyPath("vfs") + ": numVfs is " + std::to_string(pf.numVfs) + " but " +
             std::to_string(pf.vfs.size()) + " VFs are listed");
  }
  return pf;
}

ObservedNetwork loadNetwork(const schema::YamlNode& node, const std::string& path) {
  MapNode map(node, path);
  std::string name = map.string("name");
  std::string xml = map.string("xml");
  Result<ObservedNetwork> parsed = parseNetworkXml(xml);
  if (!parsed) fail(map.at("xml"), map.keyPath("xml") + ": " + parsed.error().message);
  ObservedNetwork network = std::move(parsed.value());
  if (network.name != name) {
    fail(map.at("name"), map.keyPath("name") + ": '" + name +
                             "' does not match the network XML's <name> '" + network.name + "'");
  }
  network.active = map.boolean("active", false);
  network.autostart = map.boolean("autostart", false);
  network.persistent = map.boolean("persistent", true);
  return network;
}

// Each XML is moved out of the tree (the largest scalars, read once): tree is the node's.
ObservedDomain loadDomain(const schema::YamlNode& node, const std::string& path,
                          schema::YamlTree& tree) {
  MapNode map(node, path);
  ObservedDomain domain;
  domain.name = map.string("name");
  const std::string state = map.string("state");  // one of them: checkShape
  for (DomainState known :
       {DomainState::running, DomainState::paused, DomainState::shutoff, DomainState::other})
    if (state == toString(known)) domain.state = known;
  domain.autostart = map.boolean("autostart", false);
  domain.persistent = map.boolean("persistent", true);
  domain.xml = tree.takeScalar(map.at("xml"));
  domain.inactiveXml = map.has("inactiveXml") ? tree.takeScalar(map.at("inactiveXml")) : domain.xml;
  if (domain.state != DomainState::shutoff) readLiveDomain(domain);
  // A transient domain has no persistent definition: an empty inactiveXml, no config devices.
  // Each XML is parsed once: without its own inactiveXml, a running domain's config devices
  // are those of its one XML.
  if (!domain.inactiveXml.empty() && !map.has("inactiveXml") &&
      domain.state != DomainState::shutoff) {
    domain.configDevices = domain.liveDevices;
  } else if (!domain.inactiveXml.empty()) {
    domain.configDevices = readDomainDevices(domain, "its XML", domain.inactiveXml);
  }
  // As LibvirtReader does: pool interfaces that libvirt shows live as hostdev interfaces.
  restoreNetworkInterfaces(domain.liveDevices, domain.configDevices);
  return domain;
}

// What kind of file this is comes first: a spec given by mistake should say so.
void checkKind(const schema::YamlNode& root) {  // const: a missing key is not added
  if (!root.isMap()) return;                    // checkShape says so
  const schema::YamlNode apiVersion = root["apiVersion"];
  if (apiVersion.defined() && apiVersion.isScalar() && apiVersion.scalar() != schema::kApiVersion) {
    fail(apiVersion, "unsupported apiVersion '" + apiVersion.scalar() + "', expected '" +
                         schema::kApiVersion + "'");
  }
  const schema::YamlNode kind = root["kind"];
  if (kind.defined() && kind.isScalar() && kind.scalar() != kStateKind)
    fail(kind, "unknown kind '" + kind.scalar() + "', expected '" + std::string(kStateKind) + "'");
}

// The document's keys, types and ranges (the key table, state_keys.cpp), then what the kernel
// and libvirt guarantee across them.
ObservedState loadDocument(const schema::YamlNode& root, schema::YamlTree& tree) {
  MapNode map(root, "");
  ObservedState state;
  state.hostname = map.string("hostname");
  state.iommuEnabled = map.boolean("iommuEnabled", false);
  state.selinuxVirtUseSysfs = map.optionalBool("selinuxVirtUseSysfs");
  for (const schema::YamlNode& driver : map.list("pciDrivers"))
    state.pciDrivers.push_back(driver.scalar());
  std::sort(state.pciDrivers.begin(), state.pciDrivers.end());
  std::vector<schema::YamlNode> files = map.list("files");
  for (size_t i = 0; i < files.size(); ++i) {
    MapNode file(files[i], itemPath("files", i));
    state.files[file.string("path")] = file.string("content");
  }

  std::vector<schema::YamlNode> pfs = map.list("pfs");
  // One device per PCI address and one interface per name on a host: PFs and VFs of every PF.
  std::map<std::string, std::string> pciUsers;
  std::map<std::string, std::string> nameUsers;
  auto claim = [](std::map<std::string, std::string>& users, const std::string& key,
                  const std::string& user, const schema::YamlNode& node, const std::string& what) {
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
      const schema::YamlNode vfNode = pfs[i]["vfs"][v];
      claim(pciUsers, pf.vfs[v].pci, vfPath + ".pci", vfNode["pci"],
            "PCI address " + pf.vfs[v].pci);
      if (!pf.vfs[v].netdev.empty()) {
        claim(nameUsers, pf.vfs[v].netdev, vfPath + ".netdev", vfNode["netdev"],
              "interface '" + pf.vfs[v].netdev + "'");
      }
    }
    state.pfs.push_back(std::move(pf));
  }
  std::vector<schema::YamlNode> networks = map.list("networks");
  std::set<std::string> networkNames;
  for (size_t i = 0; i < networks.size(); ++i) {
    ObservedNetwork network = loadNetwork(networks[i], itemPath("networks", i));
    if (!networkNames.insert(network.name).second) {
      fail(networks[i]["name"],
           itemPath("networks", i) + ".name: duplicate network '" + network.name + "'");
    }
    state.networks.push_back(std::move(network));
  }
  std::vector<schema::YamlNode> domains = map.list("domains");
  std::set<std::string> domainNames;
  for (size_t i = 0; i < domains.size(); ++i) {
    ObservedDomain domain = loadDomain(domains[i], itemPath("domains", i), tree);
    if (!domainNames.insert(domain.name).second) {
      fail(domains[i]["name"],
           itemPath("domains", i) + ".name: duplicate domain '" + domain.name + "'");
    }
    state.domains.push_back(std::move(domain));
  }
  sortState(state);
  return state;
}

Error positioned(const std::string& fileName, const schema::Position& at,
                 const std::string& message) {
  // No position known: 1:1.
  return Error::at(fileName, at.line > 0 ? at.line : 1, at.col > 0 ? at.col : 1, message);
}

}  // namespace

namespace {

// The text read into a tree, or the scan's finding positioned in it.
Result<schema::YamlTree> readStateTree(std::string rawText, const std::string& fileName) {
  // Lines end at LF, CRLF or a lone CR; columns count characters (schema/text_position.h).
  const std::string text = schema::normaliseLineBreaks(std::move(rawText));
  const schema::TextColumns columns(text);
  schema::YamlLimits limits;
  limits.maxScalarBytes = schema::kMaxStateBytes;
  schema::YamlRead read = schema::readYaml(text, limits, columns);
  const schema::YamlScan& scan = read.scan;
  if (scan.error)
    return Error::at(fileName, scan.line, columns.characterColumn(scan.line, scan.column),
                     *scan.error);
  if (scan.documents > 1)
    return Error::at(fileName, scan.secondDocumentLine,
                     columns.characterColumn(scan.secondDocumentLine, scan.secondDocumentColumn),
                     "expected one YAML document (a state file as `sriov-apply show` prints)");
  return std::move(read.tree);
}

}  // namespace

Result<ObservedState> parseStateYaml(std::string rawText, const std::string& fileName) {
  // The text is gone once the tree holds it (its nodes carry their positions): at 4,000 VFs
  // that is 8 MB less while the state is built.
  Result<schema::YamlTree> read = readStateTree(std::move(rawText), fileName);
  if (!read) return read.error();
  schema::YamlTree& tree = *read;
  try {
    const schema::YamlNode root = tree.root();
    checkKind(root);
    schema::Diagnostics shape(fileName);
    schema::checkShape(root, stateRoot(), shape);
    if (shape.hasErrors()) {
      const schema::Diagnostic first = shape.sorted().front();
      return Error::at(fileName, std::max(first.line, 1), std::max(first.col, 1), first.message);
    }
    return loadDocument(root, tree);
  } catch (const LoadError& e) {
    return positioned(fileName, e.position, e.message);
  }
}

Result<ObservedState> loadStateFile(const std::string& path) {
  Result<std::string> text =
      schema::readInputFile(path, schema::kMaxStateBytes, "state file '" + path + "'");
  if (!text) return text.error();
  return parseStateYaml(std::move(*text), path);
}

}  // namespace sriov::reconcile
