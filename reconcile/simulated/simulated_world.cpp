// The simulated world's lookups, the kernel's VF defaults and the kernel's and libvirt's errors.
#include "reconcile/simulated/simulated_world.h"

#include <libvirt/virterror.h>

#include <cstdio>
#include <cstring>
#include <pugixml.hpp>

#include "reconcile/xml_document.h"
#include "schema/pci_address.h"
#include "schema/spec.h"

namespace sriov::reconcile {

VfNetlink newVfSettings(const std::string& pfDriver) {
  VfNetlink settings;
  // Seen on igb (tests/e2e): a new VF reports spoof checking on and trust off. Other drivers'
  // defaults have not been seen here, so they stay unreported.
  if (pfDriver == "igb") {
    settings.spoofCheck = true;
    settings.trust = false;
  }
  return settings;
}

std::string vfDriverFor(const std::string& pfDriver) {
  if (pfDriver == "igb") return "igbvf";
  if (pfDriver == "ixgbe") return "ixgbevf";
  if (pfDriver == "i40e" || pfDriver == "ice") return "iavf";
  return pfDriver;  // mlx5_core, nvme and any other driver drive their own VFs
}

void SimulatedWorld::record() {
  leases.record();
  touchedVfs.emplace();
}

void SimulatedWorld::undo() {
  leases.undo();
  if (touchedVfs)
    for (auto& [pci, before] : *touchedVfs)
      if (ObservedVf* vf = simulated::findVf(state, pci).vf) *vf = std::move(before);
  touchedVfs.reset();
}

void SimulatedWorld::commit() {
  leases.commit();
  touchedVfs.reset();
}

namespace simulated {

VfAt findVf(ObservedState& state, const std::string& pci) {
  std::optional<std::string> normalised = schema::normalisePci(pci);
  if (!normalised) return {};
  for (ObservedPf& pf : state.pfs) {
    for (ObservedVf& vf : pf.vfs) {
      if (vf.pci == *normalised) return {&pf, &vf};
    }
  }
  return {};
}

std::string vfNetdevName(const ObservedPf& pf, const ObservedVf& vf) {
  if (pf.name.empty() || vf.driver != vfDriverFor(pf.driver)) return "";
  return pf.name + "v" + std::to_string(vf.index);
}

bool active(const ObservedDomain& domain) {
  return domain.state != DomainState::shutoff;
}

ObservedPf* findPf(ObservedState& state, const std::string& pci) {
  std::optional<std::string> normalised = schema::normalisePci(pci);
  if (!normalised) return nullptr;
  for (ObservedPf& pf : state.pfs) {
    if (pf.pci == *normalised) return &pf;
  }
  return nullptr;
}

ObservedNetwork* findNetwork(ObservedState& state, const std::string& name) {
  for (ObservedNetwork& n : state.networks) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

std::string pciLabel(const std::string& pci) {
  return schema::normalisePci(pci).value_or(pci);
}

Error kernelError(const std::string& what, int code, const std::string& detail) {
  std::string message = what + ": " + std::strerror(code);
  if (!detail.empty()) message += " (" + detail + ")";
  return Error{message, code};
}

Error libvirtError(const std::string& what, int code, const std::string& message) {
  const char* prefix = "";
  switch (code) {
    case VIR_ERR_OPERATION_INVALID:
      prefix = "Requested operation is not valid: ";
      break;
    case VIR_ERR_INTERNAL_ERROR:
      prefix = "internal error: ";
      break;
    case VIR_ERR_OPERATION_FAILED:
      prefix = "operation failed: ";
      break;
    case VIR_ERR_CONFIG_UNSUPPORTED:
      prefix = "unsupported configuration: ";
      break;
    case VIR_ERR_OPERATION_UNSUPPORTED:
      prefix = "Operation not supported: ";
      break;
    case VIR_ERR_NO_DOMAIN:
      prefix = "Domain not found: ";
      break;
    case VIR_ERR_NO_NETWORK:
      prefix = "Network not found: ";
      break;
    case VIR_ERR_DEVICE_MISSING:
      prefix = "device not found: ";
      break;
    case VIR_ERR_XML_ERROR:
      prefix = "XML error: ";
      break;
    default:
      break;
  }
  return Error{what + ": " + prefix + message, code};
}

Error noNetwork(const std::string& what, const std::string& name) {
  return libvirtError(what, VIR_ERR_NO_NETWORK, "no network with matching name '" + name + "'");
}

std::string uuidFor(const std::string& key) {
  uint64_t a = 1469598103934665603ull, b = 1099511628211ull;
  for (char c : key) {
    a = (a ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    b = (b ^ static_cast<unsigned char>(c)) * 1469598103934665603ull;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>(a >> 16) & 0xffff, static_cast<unsigned>(a) & 0xfff,
                static_cast<unsigned>(b >> 52) & 0xfff,
                static_cast<unsigned long long>(b & 0xffffffffffffull));
  return buf;
}

std::string withUuid(const std::string& xml, const std::string& uuid) {
  pugi::xml_document doc;
  if (!loadXml(doc, xml, "network", kXmlKeepLayout)) return xml;
  pugi::xml_node root = doc.document_element();
  pugi::xml_node name = root.child("name");
  pugi::xml_node node = name ? root.insert_child_after("uuid", name) : root.prepend_child("uuid");
  node.text() = uuid.c_str();
  // Indented as <name> is, when the XML has lines (its layout is kept: writeXml).
  pugi::xml_node indent = name ? name.previous_sibling() : pugi::xml_node();
  if (indent && indent.type() == pugi::node_pcdata)
    root.insert_child_before(pugi::node_pcdata, node).set_value(indent.value());
  return writeXml(doc);
}

}  // namespace simulated
}  // namespace sriov::reconcile
