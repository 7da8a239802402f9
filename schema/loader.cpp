// From YAML text to a Spec: parse, check the shape against the key table, build, cross-check.
#include "schema/loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "schema/input_file.h"
#include "schema/mac_address.h"
#include "schema/pci_address.h"
#include "schema/pci_id.h"
#include "schema/shape.h"
#include "schema/text_position.h"
#include "schema/validate.h"
#include "schema/yaml_budget.h"
#include "schema/yaml_tags.h"

namespace sriov::schema {
namespace {

// Builds the Spec from a tree that checkShape has seen. Invalid values were reported there and
// are skipped here (left at their defaults), so this code never reports anything itself.
class Builder {
 public:
  Spec build(const YamlNode& root, const std::string& file) {
    Spec spec;
    spec.file = file;
    spec.host = string(root["host"]);
    spec.prune = boolean(root["prune"]).value_or(false);
    for (const YamlNode& n : sequence(root["pfs"])) spec.pfs.push_back(pf(n));
    for (const YamlNode& n : sequence(root["networks"])) spec.networks.push_back(network(n));
    for (const YamlNode& n : sequence(root["guests"])) spec.guests.push_back(guest(n));
    return spec;
  }

 private:
  static std::vector<YamlNode> sequence(const YamlNode& node) {
    std::vector<YamlNode> out;
    if (node && node.isSequence())
      for (const YamlNode& item : node.items())
        if (item.isMap()) out.push_back(item);
    return out;
  }
  static std::optional<std::string> string(const YamlNode& node) {
    return node ? readString(node) : std::nullopt;
  }
  static std::optional<bool> boolean(const YamlNode& node) {
    return node ? readBoolean(node) : std::nullopt;
  }
  static std::optional<unsigned> number(const YamlNode& node, int64_t max) {
    std::optional<int64_t> v = node ? readInteger(node) : std::nullopt;
    if (!v || *v < 0 || *v > max) return std::nullopt;
    return static_cast<unsigned>(*v);
  }
  static std::optional<std::string> pci(const YamlNode& node) {
    std::optional<std::string> s = string(node);
    return s ? normalisePci(*s) : std::nullopt;
  }
  static std::optional<std::string> pciId(const YamlNode& node) {
    std::optional<std::string> s = string(node);
    return s ? normalisePciId(*s) : std::nullopt;
  }
  static std::optional<std::string> mac(const YamlNode& node) {
    std::optional<std::string> s = string(node);
    return s ? normaliseMac(*s) : std::nullopt;
  }

  // vlan: {tags, trunk, native, nativeMode}; unset for vlan: 42 or none. Several tags are a
  // trunk unless trunk: false says otherwise (validate refuses that).
  static std::optional<VlanTrunk> vlanTrunk(const YamlNode& node) {
    if (!node || !node.isMap()) return std::nullopt;
    VlanTrunk v;
    if (node["tags"] && node["tags"].isSequence())
      for (const YamlNode& tag : node["tags"].items())
        if (std::optional<unsigned> id = number(tag, 4095)) v.tags.push_back(*id);
    v.trunk = boolean(node["trunk"]).value_or(v.tags.size() > 1);
    v.native = number(node["native"], 4095);
    v.nativeMode = string(node["nativeMode"]).value_or("");
    return v;
  }
  static std::optional<unsigned> first(const VlanTrunk& v) {
    return v.tags.empty() ? std::nullopt : std::optional<unsigned>(v.tags.front());
  }

  static VfRef vfRef(const YamlNode& node) {
    VfRef ref;
    ref.pos = positionOf(node);
    if (!node.isMap()) return ref;
    ref.pf = string(node["pf"]).value_or("");
    ref.index = number(node["index"], 65534).value_or(0);
    return ref;
  }

  static Pf pf(const YamlNode& node) {
    Pf pf;
    pf.pos = positionOf(node);
    pf.name = string(node["name"]);
    pf.pci = pci(node["pci"]);
    pf.device = pciId(node["device"]);
    pf.subsystem = pciId(node["subsystem"]);
    std::optional<unsigned> numVfs = number(node["numVfs"], 65535);
    pf.numVfs = numVfs.value_or(0);
    pf.numVfsKnown = numVfs.has_value();
    pf.persist = boolean(node["persist"]).value_or(true);
    for (const YamlNode& n : sequence(node["vfs"])) {
      VfEntry entry;
      entry.pos = positionOf(n);
      std::optional<std::pair<unsigned, unsigned>> range =
          n["index"] ? readVfIndex(n["index"]) : std::nullopt;
      if (range) std::tie(entry.first, entry.last) = *range;
      VfSettings& s = entry.settings;
      s.mac = mac(n["mac"]);
      s.vlan = number(n["vlan"], 4095);
      s.qos = number(n["qos"], 7);
      s.spoofCheck = boolean(n["spoofCheck"]);
      s.trust = boolean(n["trust"]);
      if (std::optional<std::string> ls = string(n["linkState"])) {
        if (*ls == "auto") s.linkState = LinkState::auto_;
        if (*ls == "enable") s.linkState = LinkState::enable;
        if (*ls == "disable") s.linkState = LinkState::disable;
      }
      s.minTxRate = number(n["minTxRate"], 4294967295);
      s.maxTxRate = number(n["maxTxRate"], 4294967295);
      s.driver = string(n["driver"]);
      if (range) pf.vfs.push_back(entry);
    }
    return pf;
  }

  static Network network(const YamlNode& node) {
    Network net;
    net.pos = positionOf(node);
    net.name = string(node["name"]).value_or("");
    net.pf = string(node["pf"]);
    for (const YamlNode& n : sequence(node["vfs"])) net.vfs.push_back(vfRef(n));
    net.managed = boolean(node["managed"]).value_or(true);
    net.vlanTrunk = vlanTrunk(node["vlan"]);
    net.vlan = net.vlanTrunk ? first(*net.vlanTrunk) : number(node["vlan"], 4095);
    net.autostart = boolean(node["autostart"]).value_or(true);
    net.active = boolean(node["active"]).value_or(true);
    return net;
  }

  static Guest guest(const YamlNode& node) {
    Guest g;
    g.pos = positionOf(node);
    g.name = string(node["name"]).value_or("");
    if (std::optional<std::string> mode = string(node["onDisruption"])) {
      if (*mode == "restart") g.onDisruption = OnDisruption::restart;
      if (*mode == "refuse") g.onDisruption = OnDisruption::refuse;
    }
    for (const YamlNode& n : sequence(node["interfaces"])) {
      Interface i;
      i.pos = positionOf(n);
      if (n["vf"] && n["vf"].isMap()) {
        i.kind = Interface::Kind::vf;
        i.vf = vfRef(n["vf"]);
      } else if (std::optional<std::string> net = string(n["network"])) {
        i.kind = Interface::Kind::network;
        i.network = *net;
      }
      i.mac = mac(n["mac"]);
      i.vlanTrunk = vlanTrunk(n["vlan"]);
      i.vlan = i.vlanTrunk ? first(*i.vlanTrunk) : number(n["vlan"], 4095);
      i.managed = boolean(n["managed"]).value_or(true);
      const YamlNode vp = n["virtualport"];
      if (vp && vp.isMap()) {
        Virtualport v;
        v.type = string(vp["type"]).value_or("");
        v.profileid = string(vp["profileid"]);
        v.instanceid = string(vp["instanceid"]);
        v.managerid = number(vp["managerid"], 255);
        v.typeid_ = number(vp["typeid"], 16777215);
        v.typeidversion = number(vp["typeidversion"], 255);
        i.virtualport = v;
      }
      g.interfaces.push_back(i);
    }
    for (const YamlNode& n : sequence(node["hostdevs"])) {
      Hostdev h;
      h.pos = positionOf(n);
      h.pci = pci(n["pci"]);
      if (n["vf"] && n["vf"].isMap()) h.vf = vfRef(n["vf"]);
      h.managed = boolean(n["managed"]).value_or(true);
      g.hostdevs.push_back(h);
    }
    return g;
  }
};

bool blank(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos && line[first] != '#') return false;
  }
  return true;
}

}  // namespace

LoadResult loadSpec(const std::string& rawText, const std::string& fileName) {
  LoadResult result{Spec{}, Diagnostics(fileName)};
  // Lines end at LF, CRLF or a lone CR; columns count characters (text_position.h).
  const std::string text = normaliseLineBreaks(rawText);
  const TextColumns columns(text);
  result.spec.file = fileName;
  Diagnostics& d = result.diagnostics;
  if (blank(text)) {
    d.error({1, 1}, "the file is empty; a spec starts with 'apiVersion: sriov-apply/v1'");
    return result;
  }
  // One pass of libyaml's parser within the limits: it ends for any text, and bounds what the
  // tree can cost to walk (yaml_budget.h).
  YamlRead read = readYaml(text, YamlLimits{}, columns);
  const YamlScan& scan = read.scan;
  if (scan.error) {
    d.error({scan.line, columns.characterColumn(scan.line, scan.column)},
            (scan.syntax ? "YAML syntax error: " : "") + *scan.error);
    return result;
  }
  if (scan.documents != 1) {
    Position pos =
        scan.documents > 1
            ? Position{scan.secondDocumentLine,
                       columns.characterColumn(scan.secondDocumentLine, scan.secondDocumentColumn)}
            : Position{1, 1};
    d.error(pos, "expected one YAML document, found " +
                     std::string(scan.documents > 1 ? "more than one" : "none") +
                     "; put one host's spec in each file");
    return result;
  }
  const YamlNode root = read.tree.root();
  if (!root.isMap()) {
    d.error(positionOf(root).line ? positionOf(root) : Position{1, 1},
            "a spec must be a mapping (apiVersion, pfs, networks, guests), got " +
                std::string(root.isSequence() ? "a sequence" : "a scalar"));
    return result;
  }
  const YamlNode kind = root["kind"];
  if (kind && kind.isScalar() && kind.scalar() == "HostState") {
    d.error(positionOf(kind),
            "this is a state file (kind: HostState, as `sriov-apply show` "
            "prints), not a spec; give it with --state FILE");
    return result;
  }
  if (read.tree.anyTag()) checkTags(root, d);  // (a walk of every node otherwise for nothing)
  checkShape(root, specRoot(), d);
  result.spec = Builder().build(root, fileName);
  validateReferences(result.spec, d);
  return result;
}

LoadResult unreadableSpec(const std::string& path, const Error& error) {
  LoadResult result{Spec{}, Diagnostics(path)};
  result.diagnostics.error({}, error.message);
  return result;
}

LoadResult loadSpecFile(const std::string& path, std::string* text) {
  Result<std::string> read = readInputFile(path, kMaxSpecBytes, "the spec");
  if (!read) return unreadableSpec(path, read.error());
  if (text) *text = *read;
  return loadSpec(*read, path);
}

}  // namespace sriov::schema
