// Reads the SR-IOV relevant parts of libvirt domain and network XML with pugixml.
#include "reconcile/domain_xml.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <pugixml.hpp>
#include <string_view>

#include "reconcile/hotplug_slots.h"
#include "reconcile/xml_document.h"
#include "schema/mac_address.h"
#include "schema/pci_address.h"

namespace sriov::reconcile {

std::optional<unsigned> parseLibvirtUnsigned(std::string_view text) {
  std::string s(text);
  size_t first = s.find_first_not_of(" \t\n\r");
  if (first == std::string::npos || s[first] == '-' || s[first] == '+') return std::nullopt;
  errno = 0;
  char* end = nullptr;
  unsigned long value = std::strtoul(s.c_str() + first, &end, 0);
  if (errno != 0 || end == s.c_str() + first || *end != '\0' || value > 0xffffffffUL)
    return std::nullopt;
  return static_cast<unsigned>(value);
}

std::optional<unsigned> pciAddressPart(const pugi::xml_node& address, const char* name) {
  pugi::xml_attribute a = address.attribute(name);
  if (!a) return 0u;
  return parseLibvirtUnsigned(a.value());
}

namespace {

// What a failure message starts with: "cannot parse domain XML" or "cannot parse network XML".
struct Context {
  const char* what;
  Error fail(const std::string& detail) const {
    return Error{std::string("cannot parse ") + what + " XML: " + detail, 0};
  }
};

Result<void> load(pugi::xml_document& doc, const std::string& text, const Context& context) {
  return loadXml(doc, text, context.what);  // within the size and depth limits
}

std::optional<unsigned> parseUnsigned(std::string_view text) {
  if (text.empty()) return std::nullopt;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// <address type='pci' domain=.. bus=.. slot=.. function=../> as a normalised PCI address.
Result<std::string> readPciAddress(const pugi::xml_node& address, const std::string& where,
                                   const Context& context) {
  if (!address) return context.fail(where + " has no <source><address>");
  std::string_view type = address.attribute("type").as_string();
  if (!type.empty() && type != "pci") {
    return context.fail(where + " has an <address> of type '" + std::string(type) +
                        "', expected 'pci'");
  }
  std::optional<unsigned> domain = pciAddressPart(address, "domain"),
                          bus = pciAddressPart(address, "bus"),
                          slot = pciAddressPart(address, "slot"),
                          function = pciAddressPart(address, "function");
  std::optional<schema::PciAddress> pci;
  // virPCIDeviceAddressIsValid's limits (the domain as sriov-apply writes it, 4 hex digits).
  if (domain && bus && slot && function && *domain <= 0xffff && *bus <= 0xff && *slot <= 0x1f &&
      *function <= 7)
    pci = schema::PciAddress{*domain, *bus, *slot, *function};
  if (!pci) {
    return context.fail(where + " has a bad PCI address: domain='" +
                        address.attribute("domain").as_string() + "' bus='" +
                        address.attribute("bus").as_string() + "' slot='" +
                        address.attribute("slot").as_string() + "' function='" +
                        address.attribute("function").as_string() + "'");
  }
  return pci->str();
}

// A MAC address as libvirt's virMacAddrParse reads it: six groups of one or two hex digits
// separated by ':' ("52:54:0:a:b:c"), normalised to 52:54:00:0a:0b:0c.
std::optional<std::string> libvirtMac(std::string_view text) {
  std::string out;
  size_t at = 0;
  for (int group = 0; group < 6; ++group) {
    size_t digits = 0;
    while (at + digits < text.size() && digits < 3 &&
           std::isxdigit(static_cast<unsigned char>(text[at + digits])))
      ++digits;
    if (digits < 1 || digits > 2) return std::nullopt;
    std::string part(text.substr(at, digits));
    if (digits == 1) part = "0" + part;
    if (group > 0) out += ':';
    out += part;
    at += digits;
    if (group < 5) {
      if (at >= text.size() || text[at] != ':') return std::nullopt;
      ++at;
    }
  }
  // libvirt stops at the sixth group when what follows is blank or the end.
  if (at < text.size() && static_cast<unsigned char>(text[at]) > ' ') return std::nullopt;
  return schema::normaliseMac(out);
}

Result<std::string> readMac(const pugi::xml_node& device, const std::string& where,
                            const Context& context) {
  pugi::xml_node mac = device.child("mac");
  if (!mac) return std::string();
  std::string text = mac.attribute("address").as_string();
  std::optional<std::string> normalised = libvirtMac(text);
  if (!normalised) return context.fail(where + " has a bad MAC address '" + text + "'");
  return *normalised;
}

// <vlan> as libvirt has it (virNetDevVlanParse): tags (id decimal), trunk, a tag's nativeMode;
// several tags are a trunk whether trunk='yes' is written or not.
struct VlanRead {
  std::optional<unsigned> first;          // unset without <vlan>
  std::optional<schema::VlanTrunk> form;  // GuestDevice::vlanForm
};

Result<VlanRead> readVlan(const pugi::xml_node& parent, const std::string& where,
                          const Context& context) {
  pugi::xml_node vlan = parent.child("vlan");
  VlanRead out;
  if (!vlan) return out;
  schema::VlanTrunk form;
  for (pugi::xml_node tag : vlan.children("tag")) {
    std::string text = tag.attribute("id").as_string();
    std::optional<unsigned> id = parseUnsigned(text);
    if (!id) return context.fail(where + " has a bad vlan tag id '" + text + "'");
    if (!out.first) out.first = *id;
    form.tags.push_back(*id);
    if (pugi::xml_attribute mode = tag.attribute("nativeMode")) {
      form.native = *id;
      form.nativeMode = mode.as_string();
    }
  }
  if (form.tags.empty()) return context.fail(where + " has a <vlan> without a <tag id>");
  form.trunk =
      form.tags.size() > 1 || std::string_view(vlan.attribute("trunk").as_string()) == "yes";
  if (form.tags.size() > 1 || form.trunk || form.native) out.form = std::move(form);
  return out;
}

Result<std::optional<Virtualport>> readVirtualport(const pugi::xml_node& device,
                                                   const std::string& where,
                                                   const Context& context) {
  pugi::xml_node node = device.child("virtualport");
  if (!node) return std::optional<Virtualport>();
  Virtualport port;
  port.type = node.attribute("type").as_string();
  pugi::xml_node parameters = node.child("parameters");
  if (pugi::xml_attribute a = parameters.attribute("profileid")) port.profileid = a.as_string();
  if (pugi::xml_attribute a = parameters.attribute("instanceid")) port.instanceid = a.as_string();
  struct NumberField {
    const char* name;
    std::optional<unsigned>* target;
  };
  const NumberField numbers[] = {{"managerid", &port.managerid},
                                 {"typeid", &port.typeid_},
                                 {"typeidversion", &port.typeidversion}};
  for (const NumberField& field : numbers) {
    pugi::xml_attribute a = parameters.attribute(field.name);
    if (!a) continue;
    // virNetDevVPortProfileParse reads these with base 0: managerid='0x0b' is 11.
    std::optional<unsigned> value = parseLibvirtUnsigned(a.as_string());
    if (!value) {
      return context.fail(where + " has a bad virtualport " + field.name + " '" + a.as_string() +
                          "'");
    }
    *field.target = *value;
  }
  return std::optional<Virtualport>(std::move(port));
}

// Fills mac, vlan, virtualport and alias, common to both kinds of <interface>.
Result<void> readInterfaceCommon(const pugi::xml_node& node, const std::string& where,
                                 const Context& context, GuestDevice& device) {
  Result<std::string> mac = readMac(node, where, context);
  if (!mac) return mac.error();
  device.mac = *mac;
  Result<VlanRead> vlan = readVlan(node, where, context);
  if (!vlan) return vlan.error();
  device.vlan = vlan->first;
  device.vlanForm = vlan->form;
  Result<std::optional<Virtualport>> port = readVirtualport(node, where, context);
  if (!port) return port.error();
  device.virtualport = *port;
  return {};
}

// One child of <devices>: a GuestDevice, nullopt for a device that is not SR-IOV relevant.
Result<std::optional<GuestDevice>> readDevice(const pugi::xml_node& node, const Context& context) {
  std::string_view element = node.name();
  std::string_view type = node.attribute("type").as_string();
  bool hostdevPci = element == "hostdev" &&
                    std::string_view(node.attribute("mode").as_string()) == "subsystem" &&
                    type == "pci";
  bool sriovInterface = element == "interface" && (type == "hostdev" || type == "network");
  if (!hostdevPci && !sriovInterface) return std::optional<GuestDevice>();
  GuestDevice device;
  device.alias = node.child("alias").attribute("name").as_string();
  device.element = writeXml(node);
  device.teaming = node.child("teaming").attribute("type").as_string();
  device.managed = std::string_view(node.attribute("managed").as_string()) == "yes";
  if (element == "interface" && type == "hostdev") {
    const std::string where = "<interface type='hostdev'>";
    device.kind = GuestDevice::Kind::hostdevInterface;
    Result<std::string> pci = readPciAddress(node.child("source").child("address"), where, context);
    if (!pci) return pci.error();
    device.pci = *pci;
    if (Result<void> r = readInterfaceCommon(node, where, context, device); !r) return r.error();
    return std::optional<GuestDevice>(std::move(device));
  }
  if (element == "interface" && type == "network") {
    const std::string where = "<interface type='network'>";
    device.kind = GuestDevice::Kind::networkInterface;
    device.managed = true;  // not an attribute of a network interface: the network decides
    device.network = node.child("source").attribute("network").as_string();
    if (device.network.empty()) return context.fail(where + " has no <source network>");
    if (Result<void> r = readInterfaceCommon(node, where, context, device); !r) return r.error();
    return std::optional<GuestDevice>(std::move(device));
  }
  const std::string where = "<hostdev type='pci'>";
  device.kind = GuestDevice::Kind::hostdev;
  Result<std::string> pci = readPciAddress(node.child("source").child("address"), where, context);
  if (!pci) return pci.error();
  device.pci = *pci;
  return std::optional<GuestDevice>(std::move(device));
}

// The namespace URI an element's prefix (or the default namespace) resolves to, "" when none.
std::string namespaceOf(const pugi::xml_node& element) {
  std::string_view name = element.name();
  size_t colon = name.find(':');
  std::string attribute =
      colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
  for (pugi::xml_node n = element; n; n = n.parent()) {
    if (pugi::xml_attribute a = n.attribute(attribute.c_str())) return a.as_string();
  }
  return "";
}

}  // namespace

namespace {

Result<std::vector<GuestDevice>> guestDevicesOf(const pugi::xml_document& doc,
                                                const Context& context) {
  pugi::xml_node domain = doc.document_element();
  if (std::string_view(domain.name()) != "domain") {
    return context.fail(std::string("root element is <") + domain.name() + ">, expected <domain>");
  }
  std::vector<GuestDevice> devices;
  for (pugi::xml_node node : domain.child("devices").children()) {
    if (node.type() != pugi::node_element) continue;
    Result<std::optional<GuestDevice>> device = readDevice(node, context);
    if (!device) return device.error();
    if (*device) devices.push_back(std::move(**device));
  }
  return devices;
}

}  // namespace

Result<std::vector<GuestDevice>> parseGuestDevices(const std::string& domainXml) {
  const Context context{"domain"};
  pugi::xml_document doc;
  if (Result<void> r = load(doc, domainXml, context); !r) return r.error();
  return guestDevicesOf(doc, context);
}

std::vector<std::pair<size_t, std::string>> restoreNetworkInterfaces(
    std::vector<GuestDevice>& live, const std::vector<GuestDevice>& config) {
  std::vector<std::pair<size_t, std::string>> restored;
  auto twinOf = [&config](const GuestDevice& device) -> const GuestDevice* {
    bool userAlias = device.alias.rfind("ua-", 0) == 0;
    for (const GuestDevice& c : config) {
      // A teaming pair shares one MAC: the persistent (virtio) twin never shows as a VF.
      if (c.kind != GuestDevice::Kind::networkInterface || c.teaming == "persistent") continue;
      if (userAlias ? c.alias == device.alias : !device.mac.empty() && c.mac == device.mac)
        return &c;
    }
    return nullptr;
  };
  for (size_t i = 0; i < live.size(); ++i) {
    GuestDevice& device = live[i];
    if (device.kind != GuestDevice::Kind::hostdevInterface) continue;
    const GuestDevice* twin = twinOf(device);
    if (!twin) continue;
    restored.emplace_back(i, device.pci);
    std::string alias = device.alias;
    std::string pci = device.pci;
    device = *twin;
    device.alias = alias;
    device.leasedPci = pci;
  }
  return restored;
}

Result<ObservedNetwork> parseNetworkXml(const std::string& networkXml) {
  const Context context{"network"};
  pugi::xml_document doc;
  if (Result<void> r = load(doc, networkXml, context); !r) return r.error();
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "network") {
    return context.fail(std::string("root element is <") + root.name() + ">, expected <network>");
  }
  ObservedNetwork network;
  network.xml = networkXml;
  network.name = root.child_value("name");
  if (network.name.empty()) return context.fail("the network has no <name>");

  if (pugi::xml_node forward = root.child("forward")) {
    // libvirt writes mode always; a hand-written <forward> without it means NAT.
    network.forwardMode = forward.attribute("mode").as_string("nat");
    network.managed = std::string_view(forward.attribute("managed").as_string()) == "yes";
    network.pfDev = forward.child("pf").attribute("dev").as_string();
    for (pugi::xml_node address : forward.children("address")) {
      Result<std::string> pci = readPciAddress(address, "<forward>", context);
      if (!pci) return pci.error();
      network.vfs.push_back(*pci);
    }
  }
  Result<VlanRead> vlan = readVlan(root, "<network>", context);
  if (!vlan) return vlan.error();
  network.vlan = vlan->first;
  network.vlanForm = vlan->form;

  network.owned = hasOwnerMark(root);
  return network;
}

namespace {

// The devices read, or none when they could not be (domain.markUnreadable, saying why) or the
// domain is unreadable already.
std::vector<GuestDevice> devicesOrUnreadable(ObservedDomain& domain, const std::string& what,
                                             Result<std::vector<GuestDevice>> devices) {
  if (!devices) domain.markUnreadable(what + ": " + devices.error().message);
  if (!devices || !domain.unreadable.empty()) return {};
  return std::move(devices.value());
}

}  // namespace

std::vector<GuestDevice> readDomainDevices(ObservedDomain& domain, const std::string& what,
                                           const std::string& xml) {
  return devicesOrUnreadable(domain, what, parseGuestDevices(xml));
}

void readLiveDomain(ObservedDomain& domain) {
  const Context context{"domain"};
  pugi::xml_document doc;
  Result<void> loaded = load(doc, domain.xml, context);
  domain.liveDevices = devicesOrUnreadable(
      domain, "its live XML",
      loaded ? guestDevicesOf(doc, context) : Result<std::vector<GuestDevice>>(loaded.error()));
  if (domain.running()) domain.freeHotplugSlots = loaded ? freeHotplugSlots(doc) : std::nullopt;
}

bool hasOwnerMark(const pugi::xml_node& network) {
  for (pugi::xml_node child : network.child("metadata").children())
    if (child.type() == pugi::node_element && namespaceOf(child) == kOwnerNamespace) return true;
  return false;
}

std::string uuidOf(const std::string& xml) {
  pugi::xml_document doc;
  if (!loadXml(doc, xml, "libvirt")) return "";
  return doc.document_element().child("uuid").text().as_string();
}

}  // namespace sriov::reconcile
