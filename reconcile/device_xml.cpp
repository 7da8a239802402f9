// pugixml builders for guest device and network XML.
#include "reconcile/device_xml.h"

#include <pugixml.hpp>
#include <sstream>

#include "reconcile/domain_xml.h"
#include "reconcile/xml_document.h"
#include "schema/pci_address.h"

namespace sriov::reconcile {
namespace {

std::string hex(unsigned value, int width) {
  std::ostringstream out;
  out << "0x" << std::hex;
  out.width(width);
  out.fill('0');
  out << value;
  return out.str();
}

void addPciAddress(pugi::xml_node parent, const std::string& pci) {
  std::optional<schema::PciAddress> a = schema::PciAddress::parse(pci);
  if (!a) return;
  pugi::xml_node address = parent.append_child("address");
  address.append_attribute("type") = "pci";
  address.append_attribute("domain") = hex(a->domain, 4).c_str();
  address.append_attribute("bus") = hex(a->bus, 2).c_str();
  address.append_attribute("slot") = hex(a->slot, 2).c_str();
  address.append_attribute("function") = hex(a->function, 1).c_str();
}

// <vlan> as virNetDevVlanFormat writes it: trunk='yes' on a trunk, nativeMode on its tag.
void addVlan(pugi::xml_node parent, std::optional<unsigned> vlan,
             const std::optional<schema::VlanTrunk>& form) {
  if (!form) {
    if (vlan) parent.append_child("vlan").append_child("tag").append_attribute("id") = *vlan;
    return;
  }
  pugi::xml_node node = parent.append_child("vlan");
  if (form->trunk) node.append_attribute("trunk") = "yes";
  for (unsigned id : form->tags) {
    pugi::xml_node tag = node.append_child("tag");
    tag.append_attribute("id") = id;
    if (form->native == id) tag.append_attribute("nativeMode") = form->nativeMode.c_str();
  }
}

void addVirtualport(pugi::xml_node parent, const std::optional<Virtualport>& vp) {
  if (!vp) return;
  pugi::xml_node node = parent.append_child("virtualport");
  node.append_attribute("type") = vp->type.c_str();
  pugi::xml_node params = node.append_child("parameters");
  if (vp->profileid) params.append_attribute("profileid") = vp->profileid->c_str();
  if (vp->managerid) params.append_attribute("managerid") = *vp->managerid;
  if (vp->typeid_) params.append_attribute("typeid") = *vp->typeid_;
  if (vp->typeidversion) params.append_attribute("typeidversion") = *vp->typeidversion;
  if (vp->instanceid) params.append_attribute("instanceid") = vp->instanceid->c_str();
}

std::string print(const pugi::xml_document& doc) {
  return printXml(doc, "  ", pugi::format_indent | pugi::format_no_declaration);
}

std::string freshDeviceXml(const GuestDevice& dev) {
  pugi::xml_document doc;
  pugi::xml_node node;
  switch (dev.kind) {
    case GuestDevice::Kind::hostdevInterface:
      node = doc.append_child("interface");
      node.append_attribute("type") = "hostdev";
      node.append_attribute("managed") = dev.managed ? "yes" : "no";
      break;
    case GuestDevice::Kind::networkInterface:
      node = doc.append_child("interface");
      node.append_attribute("type") = "network";
      break;
    case GuestDevice::Kind::hostdev:
      node = doc.append_child("hostdev");
      node.append_attribute("mode") = "subsystem";
      node.append_attribute("type") = "pci";
      node.append_attribute("managed") = dev.managed ? "yes" : "no";
      break;
  }
  if (dev.kind != GuestDevice::Kind::hostdev && !dev.mac.empty())
    node.append_child("mac").append_attribute("address") = dev.mac.c_str();
  pugi::xml_node source = node.append_child("source");
  if (dev.kind == GuestDevice::Kind::networkInterface) {
    source.append_attribute("network") = dev.network.c_str();
  } else {
    addPciAddress(source, dev.pci);
  }
  if (dev.kind != GuestDevice::Kind::hostdev) {
    addVlan(node, dev.vlan, dev.vlanForm);
    addVirtualport(node, dev.virtualport);
  }
  if (!dev.alias.empty()) node.append_child("alias").append_attribute("name") = dev.alias.c_str();
  return print(doc);
}

// node's child element name replaced by the one of the same name in fresh (or removed when fresh
// has none), at the same place; a new one goes after <source>.
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

std::string editedElementXml(const std::string& elementXml, const GuestDevice& want) {
  pugi::xml_document doc, fresh;
  const std::string wanted = freshDeviceXml(want);
  if (!loadXml(doc, elementXml, "device", kXmlKeepLayout) || !loadXml(fresh, wanted, "device"))
    return wanted;
  pugi::xml_node node = doc.document_element();
  const pugi::xml_node element = fresh.document_element();
  if (std::string_view(node.name()) != element.name()) return wanted;
  // A network interface becomes a hostdev one and back only by replacing it whole.
  if (std::string_view(node.attribute("type").as_string()) != element.attribute("type").as_string())
    return wanted;
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
  replaceChild(node, element, "source");
  replaceChild(node, element, "alias");
  return writeXml(node);
}

std::string deviceXml(const GuestDevice& dev) {
  return dev.keep.empty() ? freshDeviceXml(dev) : editedElementXml(dev.keep, dev);
}

namespace {

// The <network> element of xml when it is a hostdev pool (a network of another mode has parts,
// <bridge>, <ip>, that a hostdev pool must not have); an empty node when it is not.
pugi::xml_node hostdevNetwork(pugi::xml_document& doc, const std::string& xml) {
  if (xml.empty() || !loadXml(doc, xml, "network")) return {};
  pugi::xml_node network = doc.child("network");
  if (std::string_view(network.child("forward").attribute("mode").as_string()) != "hostdev")
    return {};
  return network;
}

pugi::xml_node childOrNew(pugi::xml_node parent, const char* name) {
  pugi::xml_node child = parent.child(name);
  return child ? child : parent.append_child(name);
}

pugi::xml_attribute attributeOrNew(pugi::xml_node node, const char* name) {
  pugi::xml_attribute attribute = node.attribute(name);
  return attribute ? attribute : node.append_attribute(name);
}

void removeChildren(pugi::xml_node parent, const char* name) {
  while (pugi::xml_node child = parent.child(name)) parent.remove_child(child);
}

}  // namespace

std::string networkXml(const NetworkDefinition& def) {
  pugi::xml_document doc;
  // A pool it redefines is edited: what the spec does not model stays (portgroups,
  // <bandwidth>, <mtu>, forward's <driver>, other metadata, the uuid libvirt insists on).
  pugi::xml_node network = hostdevNetwork(doc, def.replaces);
  if (!network) {
    doc.reset();
    network = doc.append_child("network");
    network.append_child("name");
    std::string uuid = uuidOf(def.replaces);
    if (!uuid.empty()) network.append_child("uuid").text() = uuid.c_str();
  }
  childOrNew(network, "name").text() = def.name.c_str();
  if (!hasOwnerMark(network)) {
    pugi::xml_node owner = childOrNew(network, "metadata").append_child(kOwnerElement);
    owner.append_attribute("xmlns:sriov-apply") = kOwnerNamespace;
  }
  pugi::xml_node forward = childOrNew(network, "forward");
  attributeOrNew(forward, "mode") = "hostdev";
  attributeOrNew(forward, "managed") = def.managed ? "yes" : "no";
  removeChildren(forward, "pf");
  removeChildren(forward, "address");
  if (!def.pfDev.empty()) {
    forward.append_child("pf").append_attribute("dev") = def.pfDev.c_str();
  } else {
    for (const std::string& vf : def.vfs) addPciAddress(forward, vf);
  }
  removeChildren(network, "vlan");
  addVlan(network, def.vlan, def.vlanForm);
  return print(doc);
}

}  // namespace sriov::reconcile
