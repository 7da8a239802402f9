// Reads a running guest's libvirt status file for what libvirt will do with a released VF.
#include "reconcile/host/libvirt_status.h"

#include <fcntl.h>

#include <pugixml.hpp>

#include "reconcile/host/atomic_file.h"
#include "reconcile/xml_document.h"
#include "schema/pci_address.h"

namespace sriov::reconcile {
namespace {

// Depth-first over every element under node; call returns true to stop.
template <typename Call>
bool anyElement(pugi::xml_node node, Call call) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    if (call(child) || anyElement(child, call)) return true;
  }
  return false;
}

}  // namespace

std::optional<bool> libvirtUnbindsVf(std::string_view statusXml, const std::string& vfPci) {
  pugi::xml_document doc;
  if (!loadXml(doc, statusXml, "status")) return std::nullopt;
  std::optional<bool> unbinds;
  anyElement(doc, [&](pugi::xml_node element) {
    if (std::string_view(element.name()) != "source") return false;
    pugi::xml_node address = element.child("address");
    std::optional<schema::PciAddress> pci = schema::PciAddress::fromAttributes(
        address.attribute("domain").as_string(), address.attribute("bus").as_string(),
        address.attribute("slot").as_string(), address.attribute("function").as_string());
    if (!address || !pci || pci->str() != vfPci) return false;
    pugi::xml_node states = element.child("origstates");
    if (states) unbinds = static_cast<bool>(states.child("unbind"));
    return true;
  });
  return unbinds;
}

std::optional<bool> libvirtUnbindsVfOf(const std::string& runtimeDir, const std::string& domain,
                                       const std::string& vfPci) {
  if (domain.empty() || domain == "." || domain == ".." || domain.find('/') != std::string::npos)
    return std::nullopt;
  RegularFile file = openRegularNoFollow(runtimeDir + "/qemu/" + domain + ".xml", O_RDONLY);
  if (file.fd < 0) return std::nullopt;
  std::optional<std::string> text = readAtMost(file.fd, kMaxXmlBytes);
  if (!text) return std::nullopt;
  return libvirtUnbindsVf(*text, vfPci);
}

}  // namespace sriov::reconcile
