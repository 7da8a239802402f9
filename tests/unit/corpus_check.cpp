// Turns one libvirt test XML file into a host that holds it and checks show --as-spec, plan and
// a one-field change against it (corpus_check.h). Device addresses are read here the way
// libvirt reads them (strtoul base 0: 0x hex, leading-0 octal, decimal; function defaults to 0),
// independently of the tool's reader.
#include "tests/unit/corpus_check.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <pugixml.hpp>
#include <sstream>
#include <vector>

#include "reconcile/as_spec.h"
#include "reconcile/domain_xml.h"
#include "reconcile/planner.h"
#include "reconcile/state_file.h"
#include "schema/loader.h"

namespace sriov::testing {
namespace {

using reconcile::ObservedState;

// A PCI address as one number: domain << 16 | bus << 8 | slot << 3 | function.
std::optional<unsigned long> libvirtAddress(const pugi::xml_node& a) {
  unsigned long parts[4] = {0, 0, 0, 0};
  const char* names[4] = {"domain", "bus", "slot", "function"};
  for (int i = 0; i < 4; ++i) {
    pugi::xml_attribute attr = a.attribute(names[i]);
    if (!attr) {
      if (i == 0 || i == 3) continue;  // libvirt: domain and function default to 0
      return std::nullopt;
    }
    char* end = nullptr;
    parts[i] = std::strtoul(attr.value(), &end, 0);
    if (*attr.value() == '\0' || *end != '\0') return std::nullopt;
  }
  if (parts[0] > 0xffff || parts[1] > 0xff || parts[2] > 0x1f || parts[3] > 7) return std::nullopt;
  return parts[0] << 16 | parts[1] << 8 | parts[2] << 3 | parts[3];
}

std::string pciText(unsigned long id) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lx:%02lx:%02lx.%lx", (id >> 16) & 0xffff, (id >> 8) & 0xff,
                (id >> 3) & 0x1f, id & 7);
  return buf;
}

// PFs whose VFs are exactly at the addresses (and those between them on a bus): one PF per
// domain and bus, one routing ID below the lowest, VF offset 1, stride 1.
void addPfsFor(ObservedState& s, const std::vector<unsigned long>& addresses) {
  std::map<unsigned long, std::pair<unsigned long, unsigned long>> buses;  // bus -> min, max
  for (unsigned long a : addresses) {
    // No VF below routing ID 1 of a PCI domain (a PF comes first): left a whole device.
    if ((a & 0xffff) == 0) continue;
    auto [it, fresh] = buses.try_emplace(a >> 8, a, a);
    it->second.first = std::min(it->second.first, a);
    it->second.second = std::max(it->second.second, a);
  }
  for (const auto& [bus, range] : buses) {
    reconcile::ObservedPf pf;
    pf.name = "corp" + std::to_string(s.pfs.size());
    pf.pci = pciText(range.first - 1);
    pf.driver = "ixgbe";
    pf.vendorId = "0x8086";
    pf.deviceId = "0x10fb";
    pf.numVfs = pf.totalVfs = unsigned(range.second - range.first + 1);
    pf.vfOffset = pf.vfStride = 1;
    pf.linkUp = true;
    pf.iommuGroup = int(s.pfs.size());
    for (unsigned i = 0; i < pf.numVfs; ++i) {
      reconcile::ObservedVf vf;
      vf.index = i;
      vf.pci = pciText(range.first + i);
      vf.driver = "vfio-pci";
      pf.vfs.push_back(vf);
    }
    s.pfs.push_back(pf);
  }
}

ObservedState baseState() {
  ObservedState s;
  s.hostname = "corpus";
  s.iommuEnabled = true;
  s.pciDrivers = {"ixgbe", "ixgbevf", "vfio-pci"};
  return s;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string baseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The state as a state file, loaded back: what `--state FILE` gives show and plan.
std::optional<ObservedState> roundTrip(const ObservedState& s, CorpusOutcome& out) {
  Result<ObservedState> loaded =
      reconcile::parseStateYaml(reconcile::toStateYaml(s), out.file + ".state.yaml");
  if (!loaded) {
    out.problem = "state: " + loaded.error().message;
    return std::nullopt;
  }
  out.loaded = true;
  return *loaded;
}

size_t actionsOf(const schema::Spec& spec, const ObservedState& s, std::string* why) {
  reconcile::Plan p = reconcile::plan(spec, s, {});
  for (const reconcile::Finding& f : p.preflight)
    if (f.severity == reconcile::FindingSeverity::error && why && why->empty())
      *why = "refused: " + f.message;
  if (why && why->empty() && !p.actions.empty())
    *why = p.actions.front().target + ": " + p.actions.front().reason;
  return p.actions.size() + (p.refused() ? 1 : 0);
}

std::optional<schema::Spec> asSpec(const ObservedState& s, CorpusOutcome& out) {
  const std::string yaml = reconcile::toSpecYaml(s);
  // A device as-spec leaves out, saying why, is found too.
  for (size_t at = yaml.find("left out"); at != std::string::npos;
       at = yaml.find("left out", at + 1))
    ++out.found;
  schema::LoadResult r = schema::loadSpec(yaml, out.file + ".as-spec.yaml");
  if (r.diagnostics.hasErrors()) {
    for (const schema::Diagnostic& d : r.diagnostics.sorted())
      if (out.problem.empty())
        out.problem = "as-spec: " + std::to_string(d.line) + ": " + d.message;
    return std::nullopt;
  }
  out.valid = true;
  return r.spec;
}

CorpusOutcome checkDomain(const std::string& path, const std::string& text) {
  CorpusOutcome out;
  out.file = baseName(path);
  out.kind = "hostdev";
  pugi::xml_document doc;
  doc.load_string(text.c_str());
  std::vector<unsigned long> addresses;
  for (pugi::xml_node d : doc.child("domain").child("devices").children()) {
    std::string name = d.name(), type = d.attribute("type").value();
    bool hostdev = name == "hostdev" && type == "pci" &&
                   std::string(d.attribute("mode").value()) == "subsystem";
    bool interface = name == "interface" && type == "hostdev";
    if (!hostdev && !interface) continue;
    if (interface) out.kind = "interface";
    ++out.devices;
    if (std::optional<unsigned long> a = libvirtAddress(d.child("source").child("address")))
      addresses.push_back(*a);
  }
  ObservedState s = baseState();
  addPfsFor(s, addresses);
  reconcile::ObservedDomain dom;
  dom.name = doc.child("domain").child_value("name");
  dom.state = reconcile::DomainState::shutoff;
  dom.xml = dom.inactiveXml = text;
  s.domains.push_back(dom);
  std::optional<ObservedState> state = roundTrip(s, out);
  if (!state) return out;
  std::optional<schema::Spec> spec = asSpec(*state, out);
  if (!spec) return out;
  schema::Guest* g = nullptr;
  for (schema::Guest& guest : spec->guests)
    if (guest.name == dom.name) g = &guest;
  if (!g) {
    out.problem = "as-spec has no guest '" + dom.name + "'";
    return out;
  }
  for (const schema::Interface& i : g->interfaces)
    out.found += i.kind == schema::Interface::Kind::vf;
  for (const schema::Hostdev& h : g->hostdevs) out.found += h.vf || h.pci;
  out.spurious = actionsOf(*spec, *state, &out.problem);
  // One field: the first vf interface's vlan, else a setting of the first hostdev's VF.
  if (!g->interfaces.empty() && !g->interfaces.front().virtualport) {
    schema::Interface& i = g->interfaces.front();
    i.vlan = i.vlan ? *i.vlan % 4000 + 1 : 7;
  } else if (!g->hostdevs.empty() && g->hostdevs.front().vf) {
    const schema::VfRef ref = *g->hostdevs.front().vf;
    for (schema::Pf& pf : spec->pfs) {
      if (pf.label() != ref.pf) continue;
      schema::VfEntry e;
      e.first = e.last = ref.index;
      e.settings.trust = true;
      pf.vfs.push_back(e);
    }
  } else {
    return out;
  }
  std::string why;
  out.oneChange = int(actionsOf(*spec, *state, &why));
  if (out.oneChange != 1 && out.problem.empty()) out.problem = "one change: " + why;
  return out;
}

CorpusOutcome checkNetwork(const std::string& path, const std::string& text) {
  CorpusOutcome out;
  out.file = baseName(path);
  out.kind = "network";
  pugi::xml_document doc;
  doc.load_string(text.c_str());
  pugi::xml_node network = doc.child("network");
  // Adopted (defined by hand, then taken over once with --force): sriov-apply's mark added.
  pugi::xml_node mark = network.insert_child_after("metadata", network.child("name"))
                            .append_child("sriov-apply:owner");
  mark.append_attribute("xmlns:sriov-apply") = "http://sriov-apply.org/xmlns/v1";
  std::ostringstream xml;
  doc.save(xml, "  ", pugi::format_indent | pugi::format_no_declaration);
  std::vector<unsigned long> addresses;
  pugi::xml_node forward = network.child("forward");
  for (pugi::xml_node a : forward.children("address")) {
    ++out.devices;
    if (std::optional<unsigned long> id = libvirtAddress(a)) addresses.push_back(*id);
  }
  ObservedState s = baseState();
  addPfsFor(s, addresses);
  if (pugi::xml_node pf = forward.child("pf")) {
    ++out.devices;
    addPfsFor(s, {0x810001, 0x810004});
    s.pfs.back().name = pf.attribute("dev").value();
  }
  Result<reconcile::ObservedNetwork> parsed = reconcile::parseNetworkXml(xml.str());
  if (!parsed) {
    out.problem = "state: " + parsed.error().message;
    return out;
  }
  parsed->active = parsed->autostart = true;
  s.networks.push_back(*parsed);
  std::optional<ObservedState> state = roundTrip(s, out);
  if (!state) return out;
  std::optional<schema::Spec> spec = asSpec(*state, out);
  if (!spec) return out;
  for (schema::Network& n : spec->networks) {
    if (n.name != parsed->name) continue;
    out.found += n.pf ? 1 : n.vfs.size();
    out.spurious = actionsOf(*spec, *state, &out.problem);
    n.autostart = false;
    std::string why;
    out.oneChange = int(actionsOf(*spec, *state, &why));
    if (out.oneChange != 1 && out.problem.empty()) out.problem = "one change: " + why;
  }
  return out;
}

}  // namespace

CorpusOutcome checkCorpusFile(const std::string& path) {
  const std::string text = readFile(path);
  pugi::xml_document doc;
  doc.load_string(text.c_str());
  if (doc.child("network")) return checkNetwork(path, text);
  return checkDomain(path, text);
}

}  // namespace sriov::testing
