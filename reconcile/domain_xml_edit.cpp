// Adds, removes and replaces SR-IOV device elements in domain XML (for SimulatedHost).
#include "reconcile/domain_xml_edit.h"

#include <pugixml.hpp>
#include <sstream>

#include "reconcile/domain_xml.h"

namespace sriov::reconcile {
namespace {

const unsigned kFormat =
    pugi::format_indent | pugi::format_attribute_single_quote | pugi::format_no_declaration;

std::string serialise(const pugi::xml_node& node) {
  std::ostringstream out;
  node.print(out, "  ", kFormat);
  return out.str();
}

std::string serialise(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "  ", kFormat);
  return out.str();
}

Result<void> loadDomain(pugi::xml_document& doc, const std::string& domainXml) {
  pugi::xml_parse_result parsed = doc.load_buffer(domainXml.data(), domainXml.size());
  if (!parsed || std::string(doc.document_element().name()) != "domain") {
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
    Result<GuestDevice> device = parseDeviceXml(serialise(child));
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

Result<void> loadDevice(pugi::xml_document& doc, const std::string& deviceXml) {
  if (Result<GuestDevice> device = parseDeviceXml(deviceXml); !device) return device.error();
  doc.load_buffer(deviceXml.data(), deviceXml.size());
  return {};
}

}  // namespace

Result<GuestDevice> parseDeviceXml(const std::string& deviceXml) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(deviceXml.data(), deviceXml.size());
  if (!parsed) {
    return Error{"cannot parse device XML: " + std::string(parsed.description()) + " at offset " +
                     std::to_string(parsed.offset),
                 0};
  }
  size_t elements = 0;
  for (pugi::xml_node child : doc.children()) elements += child.type() == pugi::node_element;
  const Error unsupported{
      "unsupported device XML: expected one <interface type='hostdev'>, <interface "
      "type='network'> or <hostdev mode='subsystem' type='pci'> element",
      0};
  if (elements != 1) return unsupported;
  pugi::xml_document domain;
  domain.append_child("domain").append_child("devices").append_copy(doc.document_element());
  Result<std::vector<GuestDevice>> devices = parseGuestDevices(serialise(domain));
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
    if (d.pci == wanted.pci) {
      return i;
    }
  }
  return std::nullopt;
}

Result<std::string> appendDevice(const std::string& domainXml, const std::string& deviceXml) {
  pugi::xml_document doc, device;
  if (Result<void> r = loadDomain(doc, domainXml); !r) return r.error();
  if (Result<void> r = loadDevice(device, deviceXml); !r) return r.error();
  pugi::xml_node devices = doc.document_element().child("devices");
  if (!devices) devices = doc.document_element().append_child("devices");
  devices.append_copy(device.document_element());
  return serialise(doc);
}

Result<std::string> removeDevice(const std::string& domainXml, size_t index) {
  pugi::xml_document doc;
  if (Result<void> r = loadDomain(doc, domainXml); !r) return r.error();
  Result<pugi::xml_node> node = nthDevice(doc, index);
  if (!node) return node.error();
  node->parent().remove_child(*node);
  return serialise(doc);
}

Result<std::string> replaceDevice(const std::string& domainXml, size_t index,
                                  const std::string& deviceXml) {
  pugi::xml_document doc, device;
  if (Result<void> r = loadDomain(doc, domainXml); !r) return r.error();
  if (Result<void> r = loadDevice(device, deviceXml); !r) return r.error();
  Result<pugi::xml_node> node = nthDevice(doc, index);
  if (!node) return node.error();
  node->parent().insert_copy_before(device.document_element(), *node);
  node->parent().remove_child(*node);
  return serialise(doc);
}

}  // namespace sriov::reconcile
