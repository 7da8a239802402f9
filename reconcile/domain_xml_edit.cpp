// Adds, removes and replaces SR-IOV device elements in domain XML (for SimulatedHost).
#include "reconcile/domain_xml_edit.h"

#include <pugixml.hpp>
#include <string_view>

#include "reconcile/device_xml.h"
#include "reconcile/domain_xml.h"
#include "reconcile/xml_document.h"

namespace sriov::reconcile {
namespace {

// Documents are loaded with their whitespace and written back raw (xml_document.h): only what
// an edit adds or removes changes, so the output is linear in the input however deep it is
// (re-indenting every node cost depth x size: 78 KB of deep XML became 200 MB after one apply).
Result<void> loadDomain(pugi::xml_document& doc, const std::string& domainXml) {
  if (Result<void> r = loadXml(doc, domainXml, "domain", kXmlKeepLayout); !r) return r;
  if (std::string(doc.document_element().name()) != "domain") {
    Result<std::vector<GuestDevice>> devices = parseGuestDevices(domainXml);
    return devices ? Error{"cannot parse domain XML", 0} : devices.error();
  }
  return {};
}

// The SR-IOV device elements of <devices>, in parseGuestDevices order.
std::vector<pugi::xml_node> deviceNodes(const pugi::xml_document& doc) {
  std::vector<pugi::xml_node> nodes;
  for (pugi::xml_node child : doc.document_element().child("devices").children()) {
    if (child.type() != pugi::node_element) continue;
    Result<GuestDevice> device = parseDeviceXml(writeXml(child));
    if (device) nodes.push_back(child);
  }
  return nodes;
}

Result<pugi::xml_node> nthDevice(const pugi::xml_document& doc, size_t index) {
  std::vector<pugi::xml_node> nodes = deviceNodes(doc);
  if (index >= nodes.size()) {
    return Error{"domain XML has no SR-IOV device number " + std::to_string(index), 0};
  }
  return nodes[index];
}

bool isBlank(const pugi::xml_node& node) {
  if (node.type() != pugi::node_pcdata) return false;
  std::string_view text = node.value();
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// deviceXml, checked, as an element indented for its place at depth in a document.
Result<void> loadDevice(pugi::xml_document& doc, const std::string& deviceXml, unsigned depth) {
  if (Result<GuestDevice> device = parseDeviceXml(deviceXml); !device) return device.error();
  pugi::xml_document plain;
  if (Result<void> r = loadXml(plain, deviceXml, "device"); !r) return r;
  std::string indented = writeIndentedXml(plain.document_element(), depth);
  return loadXml(doc, indented, "device", kXmlKeepLayout);
}

// node's child element name replaced by the one of the same name in fresh (or removed when fresh
// has none), at the same place.
void replaceChild(pugi::xml_node node, const pugi::xml_node& fresh, const char* name) {
  pugi::xml_node old = node.child(name);
  pugi::xml_node with = fresh.child(name);
  if (old && with) {
    node.insert_copy_before(with, old);
    node.remove_child(old);
  } else if (old) {
    node.remove_child(old);
  } else if (with) {
    pugi::xml_node source = node.child("source");
    if (source)
      node.insert_copy_after(with, source);
    else
      node.append_copy(with);
  }
}

}  // namespace

Result<std::string> editedDeviceXml(const std::string& domainXml, size_t index,
                                    const GuestDevice& want) {
  pugi::xml_document doc, fresh;
  if (Result<void> r = loadDomain(doc, domainXml); !r) return r.error();
  Result<pugi::xml_node> found = nthDevice(doc, index);
  if (!found) return found.error();
  if (Result<void> r = loadXml(fresh, deviceXml(want), "device"); !r) return r.error();
  pugi::xml_document out;
  pugi::xml_node node = out.append_copy(*found);
  const pugi::xml_node element = fresh.document_element();
  // managed only where its meaning changes (libvirt reads a missing one as 'no').
  bool managed = std::string_view(node.attribute("managed").as_string()) == "yes";
  if (want.kind != GuestDevice::Kind::networkInterface && managed != want.managed) {
    if (!node.attribute("managed")) node.append_attribute("managed");
    node.attribute("managed").set_value(want.managed ? "yes" : "no");
  }
  if (want.kind != GuestDevice::Kind::hostdev) {
    if (pugi::xml_node mac = node.child("mac"); mac && !element.child("mac"))
      node.remove_child(mac);
    else if (mac)
      mac.attribute("address").set_value(want.mac.c_str());
    else if (element.child("mac"))
      node.prepend_copy(element.child("mac"));
    replaceChild(node, element, "vlan");
    replaceChild(node, element, "virtualport");
  }
  // The source: a new VF or network (update of a shut-off guest's interface keeps it in place).
  replaceChild(node, element, "source");
  return writeXml(node);
}

Result<GuestDevice> parseDeviceXml(const std::string& deviceXml) {
  pugi::xml_document doc;
  if (Result<void> r = loadXml(doc, deviceXml, "device"); !r) return r.error();
  size_t elements = 0;
  for (pugi::xml_node child : doc.children()) elements += child.type() == pugi::node_element;
  const Error unsupported{
      "unsupported device XML: expected one <interface type='hostdev'>, <interface "
      "type='network'> or <hostdev mode='subsystem' type='pci'> element",
      0};
  if (elements != 1) return unsupported;
  pugi::xml_document domain;
  domain.append_child("domain").append_child("devices").append_copy(doc.document_element());
  Result<std::vector<GuestDevice>> devices = parseGuestDevices(writeXml(domain));
  if (!devices) return devices.error();
  if (devices->size() != 1) return unsupported;
  return devices->front();
}

std::optional<size_t> findDevice(const std::vector<GuestDevice>& devices,
                                 const GuestDevice& wanted) {
  for (size_t i = 0; i < devices.size(); ++i) {
    const GuestDevice& d = devices[i];
    if (!wanted.alias.empty()) {
      if (d.alias == wanted.alias) return i;
      continue;
    }
    if (wanted.kind == GuestDevice::Kind::networkInterface) {
      // libvirt matches an interface by its MAC, whatever it shows: a running guest's pool
      // interface is shown live as the hostdev interface it got.
      bool interface = d.kind == GuestDevice::Kind::networkInterface ||
                       d.kind == GuestDevice::Kind::hostdevInterface;
      if (interface && !wanted.mac.empty() && d.mac == wanted.mac) return i;
      continue;
    }
    if (d.kind != wanted.kind) continue;
    // A hostdev interface is an interface too: libvirt also wants its MAC (virDomainNetFindIdx).
    bool macDiffers =
        d.kind == GuestDevice::Kind::hostdevInterface && !wanted.mac.empty() && d.mac != wanted.mac;
    if (d.pci == wanted.pci && !macDiffers) return i;
  }
  return std::nullopt;
}

Result<std::string> appendDevice(const std::string& domainXml, const std::string& deviceXml) {
  pugi::xml_document doc, device;
  if (Result<void> r = loadDomain(doc, domainXml); !r) return r.error();
  pugi::xml_node domain = doc.document_element();
  pugi::xml_node devices = domain.child("devices");
  if (!devices) devices = domain.append_child("devices");
  if (Result<void> r = loadDevice(device, deviceXml, xmlDepthOf(devices) + 1); !r) return r.error();
  // On its own line, indented, before the blank text that indents </devices> (if any).
  pugi::xml_node last = devices.last_child();
  std::string indent = "\n" + std::string(2 * (xmlDepthOf(devices) + 1), ' ');
  if (last && isBlank(last)) {
    devices.insert_child_before(pugi::node_pcdata, last).set_value(indent.c_str());
    devices.insert_copy_before(device.document_element(), last);
  } else {
    devices.append_copy(device.document_element());
  }
  return writeXml(doc);
}

Result<std::string> removeDevice(const std::string& domainXml, size_t index) {
  pugi::xml_document doc;
  if (Result<void> r = loadDomain(doc, domainXml); !r) return r.error();
  Result<pugi::xml_node> node = nthDevice(doc, index);
  if (!node) return node.error();
  // The blank text that indented it goes with it.
  pugi::xml_node before = node->previous_sibling();
  if (before && isBlank(before)) node->parent().remove_child(before);
  node->parent().remove_child(*node);
  return writeXml(doc);
}

Result<std::string> replaceDevice(const std::string& domainXml, size_t index,
                                  const std::string& deviceXml) {
  pugi::xml_document doc, device;
  if (Result<void> r = loadDomain(doc, domainXml); !r) return r.error();
  Result<pugi::xml_node> node = nthDevice(doc, index);
  if (!node) return node.error();
  if (Result<void> r = loadDevice(device, deviceXml, xmlDepthOf(*node)); !r) return r.error();
  node->parent().insert_copy_before(device.document_element(), *node);
  node->parent().remove_child(*node);
  return writeXml(doc);
}

}  // namespace sriov::reconcile
