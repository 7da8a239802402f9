// libvirt's guest rules for SimulatedHost, and who holds which PCI device.
#include "reconcile/simulated/simulated_guests.h"

#include <libvirt/virterror.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <pugixml.hpp>

#include "reconcile/domain_xml.h"
#include "reconcile/domain_xml_edit.h"
#include "reconcile/host/duration_text.h"
#include "reconcile/xml_document.h"
#include "schema/mac_address.h"
#include "schema/pci_address.h"

namespace sriov::reconcile::simulated {

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

std::vector<std::string> poolOf(const ObservedState& state, const ObservedNetwork& network) {
  std::vector<std::string> pool;
  if (network.forwardMode != "hostdev") return pool;
  if (!network.pfDev.empty()) {
    if (const ObservedPf* pf = state.findPf(network.pfDev)) {
      for (const ObservedVf& vf : pf->vfs) pool.push_back(vf.pci);
    }
    return pool;
  }
  for (const std::string& pci : network.vfs) {
    for (const ObservedPf& pf : state.pfs) {
      for (const ObservedVf& vf : pf.vfs) {
        if (vf.pci == pci) pool.push_back(pci);
      }
    }
  }
  return pool;
}

bool isHostdevNetwork(const ObservedState& state, const std::string& name) {
  const ObservedNetwork* network = state.findNetwork(name);
  return network && network->forwardMode == "hostdev";
}

std::optional<std::string> holderOf(const SimulatedWorld& world, const std::string& pci) {
  for (const ObservedDomain& domain : world.state.domains) {
    if (!active(domain)) continue;
    for (const GuestDevice& device : domain.liveDevices) {
      if (device.kind != GuestDevice::Kind::networkInterface && device.pci == pci) {
        return domain.name;
      }
    }
  }
  auto lease = world.leases.find(pci);
  if (lease != world.leases.end()) return lease->second.domain;
  return std::nullopt;
}

std::string leaseKey(const GuestDevice& device) {
  return device.mac.empty() ? device.alias : device.mac;
}

std::optional<std::string> leaseOf(const SimulatedWorld& world, const std::string& domain,
                                   const GuestDevice& device) {
  for (const auto& [pci, lease] : world.leases) {
    if (lease.domain == domain && lease.device == leaseKey(device)) return pci;
  }
  return std::nullopt;
}

// The VF a pool hands out next. libvirt picks the first with no connection of its own: it does
// not know that a guest holds one of them directly (assigning it then fails, like on a real
// host). Rebuilding leases of a saved state (anyHolder) skips every VF in use instead.
enum class Busy { leased, anyHolder };
std::optional<std::string> freeVf(const SimulatedWorld& world, const ObservedNetwork& network,
                                  Busy busy) {
  for (const std::string& pci : poolOf(world.state, network)) {
    bool taken =
        busy == Busy::leased ? world.leases.count(pci) > 0 : holderOf(world, pci).has_value();
    if (!taken) return pci;
  }
  return std::nullopt;
}

void deriveLeases(SimulatedWorld& world) {
  world.leases.clear();
  // What libvirt's live XML says (the VF each pool interface got, restoreNetworkInterfaces);
  // for a live XML that keeps type='network' (state files written before sriov-apply modelled
  // this), the first free VF, in a second pass.
  std::vector<std::pair<std::string, GuestDevice>> unknown;
  for (const ObservedDomain& domain : world.state.domains) {
    if (!active(domain)) continue;
    Result<std::vector<GuestDevice>> live = parseGuestDevices(domain.xml);
    if (!live) continue;
    std::vector<std::pair<size_t, std::string>> held =
        restoreNetworkInterfaces(*live, domain.configDevices);
    for (size_t i = 0; i < live->size(); ++i) {
      const GuestDevice& device = (*live)[i];
      if (device.kind != GuestDevice::Kind::networkInterface) continue;
      const ObservedNetwork* network = world.state.findNetwork(device.network);
      if (!network) continue;
      auto it = std::find_if(held.begin(), held.end(), [i](const auto& h) { return h.first == i; });
      if (it != held.end())
        world.leases[it->second] = {domain.name, leaseKey(device), network->managed};
      else
        unknown.emplace_back(domain.name, device);
    }
  }
  for (const auto& [domain, device] : unknown) {
    const ObservedNetwork* network = world.state.findNetwork(device.network);
    if (std::optional<std::string> pci = freeVf(world, *network, Busy::anyHolder))
      world.leases[*pci] = {domain, leaseKey(device), network->managed};
  }
}

void takeVf(SimulatedWorld& world, const std::string& pci, const GuestDevice& device,
            bool managed) {
  VfAt at = findVf(world.state, pci);
  if (!at.vf) return;  // a whole device: nothing of it is modelled
  if (managed) {
    at.vf->driver = "vfio-pci";
    at.vf->netdev.clear();
  }
  if (device.kind == GuestDevice::Kind::hostdev) return;
  world.savedSettings.emplace(at.vf->pci, at.vf->settings);  // keeps the first saved
  if (!device.mac.empty()) at.vf->settings.mac = device.mac;
  if (device.vlan) at.vf->settings.vlan = *device.vlan;
}

void releaseVf(SimulatedWorld& world, const std::string& pci, bool managed) {
  VfAt at = findVf(world.state, pci);
  if (!at.vf) return;
  if (managed && at.vf->driver == "vfio-pci") {
    at.vf->driver = vfDriverFor(at.pf->driver);
    at.vf->netdev = vfNetdevName(*at.pf, *at.vf);
  }
  auto saved = world.savedSettings.find(at.vf->pci);
  if (saved != world.savedSettings.end()) {
    at.vf->settings = saved->second;
    world.savedSettings.erase(saved);
  }
  world.leases.erase(at.vf->pci);
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

namespace {

ObservedDomain* findDomain(ObservedState& state, const std::string& name) {
  for (ObservedDomain& d : state.domains) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

Error noDomain(const std::string& what, const std::string& name) {
  return libvirtError(what, VIR_ERR_NO_DOMAIN, "no domain with matching name '" + name + "'");
}

// Which definitions a device change touches, after libvirt's checks.
struct Targets {
  bool live = false;
  bool config = false;
};

Result<Targets> resolveScope(const std::string& what, const ObservedDomain& domain,
                             DeviceScope scope) {
  Targets targets{scope.live, scope.config};
  if (!targets.live && !targets.config) {  // VIR_DOMAIN_AFFECT_CURRENT
    targets.live = active(domain);
    targets.config = !targets.live;
  }
  if (targets.live && !active(domain)) {
    return libvirtError(what, VIR_ERR_OPERATION_INVALID, "domain is not running");
  }
  if (targets.config && !domain.persistent) {
    return libvirtError(what, VIR_ERR_OPERATION_INVALID,
                        "transient domains do not have any persistent config");
  }
  return targets;
}

// Whether the device needs PCI passthrough (and so the IOMMU).
bool passesThrough(const ObservedState& state, const GuestDevice& device) {
  return device.kind != GuestDevice::Kind::networkInterface ||
         isHostdevNetwork(state, device.network);
}

bool pciDeviceExists(const ObservedState& state, const std::string& pci) {
  for (const ObservedPf& pf : state.pfs) {
    if (pf.pci == pci) return true;
    for (const ObservedVf& vf : pf.vfs) {
      if (vf.pci == pci) return true;
    }
  }
  return false;
}

Result<void> checkIommu(const std::string& what, const ObservedState& state,
                        const GuestDevice& device) {
  if (state.iommuEnabled || !passesThrough(state, device)) return {};
  return libvirtError(what, VIR_ERR_CONFIG_UNSUPPORTED,
                      "host doesn't support passthrough of host PCI devices");
}

// A device the running guest `domain` starts using (live attach, guest start).
Result<void> useDevice(SimulatedWorld& world, const std::string& what, const std::string& domain,
                       const GuestDevice& device) {
  if (Result<void> r = checkIommu(what, world.state, device); !r) return r;
  if (device.kind == GuestDevice::Kind::networkInterface) {
    const ObservedNetwork* network = world.state.findNetwork(device.network);
    if (!network) {
      return libvirtError(what, VIR_ERR_NO_NETWORK,
                          "no network with matching name '" + device.network + "'");
    }
    if (!network->active) {
      return libvirtError(what, VIR_ERR_OPERATION_INVALID,
                          "network '" + device.network + "' is not active");
    }
    if (network->forwardMode != "hostdev") return {};
    std::optional<std::string> pci = freeVf(world, *network, Busy::leased);
    if (!pci) {
      return libvirtError(what, VIR_ERR_INTERNAL_ERROR,
                          "network '" + device.network +
                              "' requires exclusive access to interfaces, but none are available");
    }
    if (std::optional<std::string> holder = holderOf(world, *pci)) {
      return libvirtError(what, VIR_ERR_OPERATION_INVALID,
                          "PCI device " + *pci + " is in use by driver QEMU, domain " + *holder);
    }
    takeVf(world, *pci, device, network->managed);
    world.leases[*pci] = {domain, leaseKey(device), network->managed};
    return {};
  }
  if (!pciDeviceExists(world.state, device.pci)) {
    return Error{what + ": Device " + device.pci +
                     " not found: could not access /sys/bus/pci/devices/" + device.pci +
                     "/config: No such file or directory",
                 VIR_ERR_SYSTEM_ERROR};
  }
  if (std::optional<std::string> holder = holderOf(world, device.pci)) {
    return libvirtError(
        what, VIR_ERR_OPERATION_INVALID,
        "PCI device " + device.pci + " is in use by driver QEMU, domain " + *holder);
  }
  takeVf(world, device.pci, device, device.managed);
  return {};
}

// A device the running guest `domain` lets go of (live detach, shutdown).
void releaseDevice(SimulatedWorld& world, const std::string& domain, const GuestDevice& device) {
  if (device.kind != GuestDevice::Kind::networkInterface) {
    releaseVf(world, device.pci, device.managed);
    return;
  }
  if (std::optional<std::string> pci = leaseOf(world, domain, device)) {
    releaseVf(world, *pci, world.leases[*pci].managed);
  }
}

std::string identity(const GuestDevice& device) {
  if (!device.alias.empty()) return "alias '" + device.alias + "'";
  if (device.kind != GuestDevice::Kind::networkInterface) return "PCI address " + device.pci;
  if (device.mac.empty()) return "a network interface without MAC address or alias";
  return "MAC address " + device.mac;
}

Result<size_t> find(const std::string& what, const std::vector<GuestDevice>& devices,
                    const GuestDevice& device) {
  std::optional<size_t> index = findDevice(devices, device);
  if (!index)
    return libvirtError(what, VIR_ERR_DEVICE_MISSING, "no device matching " + identity(device));
  return *index;
}

// Re-reads the device lists after an edit; a shut off domain's XML is its inactive XML.
Result<void> rederive(const std::string& what, ObservedDomain& domain) {
  if (!active(domain)) domain.xml = domain.inactiveXml;
  Result<std::vector<GuestDevice>> config = parseGuestDevices(domain.inactiveXml);
  if (!config) return Error{what + ": " + config.error().message, VIR_ERR_XML_ERROR};
  domain.configDevices = std::move(config.value());
  domain.liveDevices.clear();
  if (active(domain)) {
    Result<std::vector<GuestDevice>> live = parseGuestDevices(domain.xml);
    if (!live) return Error{what + ": " + live.error().message, VIR_ERR_XML_ERROR};
    domain.liveDevices = std::move(live.value());
    restoreNetworkInterfaces(domain.liveDevices, domain.configDevices);
  }
  return {};
}

// The live XML as libvirt shows it: each <interface type='network'> that holds a VF of a
// hostdev network (a lease) is shown as what it got, <interface type='hostdev'> on that VF with
// <driver name='vfio'/>, the network's name gone.
std::string showActual(const SimulatedWorld& world, const std::string& domain,
                       const std::string& xml) {
  // Only the interfaces shown otherwise are rewritten (reindentElement); the rest of the XML is
  // written back as it was, so the cost is linear however large or deep the XML is.
  pugi::xml_document doc;
  if (!loadXml(doc, xml, "domain", kXmlKeepLayout)) return xml;
  std::vector<pugi::xml_node> edited;
  for (pugi::xml_node node : doc.child("domain").child("devices").children("interface")) {
    if (std::string_view(node.attribute("type").as_string()) != "network") continue;
    GuestDevice device;
    device.mac =
        schema::normaliseMac(node.child("mac").attribute("address").as_string()).value_or("");
    device.alias = node.child("alias").attribute("name").as_string();
    std::optional<std::string> pci = leaseOf(world, domain, device);
    if (!pci) continue;
    std::optional<schema::PciAddress> address = schema::PciAddress::parse(*pci);
    if (!address) continue;
    node.attribute("type").set_value("hostdev");
    bool managed = world.leases.at(*pci).managed;
    if (pugi::xml_attribute m = node.attribute("managed"))
      m.set_value(managed ? "yes" : "no");
    else
      node.append_attribute("managed") = managed ? "yes" : "no";
    node.remove_child("source");
    pugi::xml_node after = node.child("mac");
    pugi::xml_node driver =
        after ? node.insert_child_after("driver", after) : node.prepend_child("driver");
    driver.append_attribute("name") = "vfio";
    pugi::xml_node source = node.insert_child_after("source", driver);
    pugi::xml_node a = source.append_child("address");
    char buf[16];
    a.append_attribute("type") = "pci";
    std::snprintf(buf, sizeof buf, "0x%04x", address->domain);
    a.append_attribute("domain") = buf;
    std::snprintf(buf, sizeof buf, "0x%02x", address->bus);
    a.append_attribute("bus") = buf;
    std::snprintf(buf, sizeof buf, "0x%02x", address->slot);
    a.append_attribute("slot") = buf;
    std::snprintf(buf, sizeof buf, "0x%x", address->function);
    a.append_attribute("function") = buf;
    edited.push_back(node);
  }
  if (edited.empty()) return xml;
  for (pugi::xml_node node : edited) reindentElement(node);
  return writeXml(doc);
}

Result<void> setXml(const std::string& what, std::string& target, Result<std::string> edited) {
  if (!edited) return libvirtError(what, VIR_ERR_XML_ERROR, edited.error().message);
  target = std::move(edited.value());
  return {};
}

// What attach, detach and update start with, in libvirt's order of checks: the device parsed,
// the domain found, the scope resolved against the domain's state.
struct DeviceCall {
  GuestDevice device;
  ObservedDomain* domain = nullptr;
  Targets targets;
};

Result<DeviceCall> startDeviceCall(SimulatedWorld& world, const std::string& what,
                                   const std::string& name, const std::string& deviceXml,
                                   DeviceScope scope) {
  Result<GuestDevice> device = parseDeviceXml(deviceXml);
  if (!device) return libvirtError(what, VIR_ERR_XML_ERROR, device.error().message);
  ObservedDomain* domain = findDomain(world.state, name);
  if (!domain) return noDomain(what, name);
  Result<Targets> targets = resolveScope(what, *domain, scope);
  if (!targets) return targets.error();
  return DeviceCall{std::move(device.value()), domain, *targets};
}

}  // namespace

Result<void> attachDevice(SimulatedWorld& world, const std::string& name,
                          const std::string& deviceXml, DeviceScope scope) {
  const std::string what = "cannot attach device to guest '" + name + "'";
  Result<DeviceCall> call = startDeviceCall(world, what, name, deviceXml, scope);
  if (!call) return call.error();
  const GuestDevice* device = &call->device;
  ObservedDomain* domain = call->domain;
  const Targets* targets = &call->targets;
  auto checkAlias = [&](const std::vector<GuestDevice>& devices) -> Result<void> {
    if (device->alias.empty()) return {};
    for (const GuestDevice& d : devices) {
      if (d.alias == device->alias) {
        return libvirtError(what, VIR_ERR_XML_ERROR, "non unique alias detected: " + d.alias);
      }
    }
    return {};
  };
  if (targets->config) {
    if (Result<void> r = checkAlias(domain->configDevices); !r) return r;
    if (device->kind != GuestDevice::Kind::networkInterface) {
      for (const GuestDevice& d : domain->configDevices) {
        if (d.kind != GuestDevice::Kind::networkInterface && d.pci == device->pci) {
          return libvirtError(what, VIR_ERR_OPERATION_INVALID,
                              "device is already in the domain configuration");
        }
      }
    }
    if (Result<void> r =
            setXml(what, domain->inactiveXml, appendDevice(domain->inactiveXml, deviceXml));
        !r)
      return r;
  }
  if (targets->live) {
    if (Result<void> r = checkAlias(domain->liveDevices); !r) return r;
    if (Result<void> r = useDevice(world, what, name, *device); !r) return r;
    if (Result<void> r = setXml(what, domain->xml, appendDevice(domain->xml, deviceXml)); !r)
      return r;
    domain->xml = showActual(world, name, domain->xml);
  }
  return rederive(what, *domain);
}

Result<void> detachDevice(SimulatedWorld& world, const std::string& name,
                          const std::string& deviceXml, DeviceScope scope) {
  const std::string what = "cannot detach device from guest '" + name + "'";
  Result<DeviceCall> call = startDeviceCall(world, what, name, deviceXml, scope);
  if (!call) return call.error();
  const GuestDevice* device = &call->device;
  ObservedDomain* domain = call->domain;
  const Targets* targets = &call->targets;
  if (targets->config) {
    Result<size_t> index = find(what, domain->configDevices, *device);
    if (!index) return index.error();
    if (Result<void> r =
            setXml(what, domain->inactiveXml, removeDevice(domain->inactiveXml, *index));
        !r)
      return r;
  }
  if (targets->live) {
    Result<size_t> index = find(what, domain->liveDevices, *device);
    if (!index) return index.error();
    releaseDevice(world, name, domain->liveDevices[*index]);
    if (Result<void> r = setXml(what, domain->xml, removeDevice(domain->xml, *index)); !r) return r;
  }
  return rederive(what, *domain);
}

Result<void> updateDevice(SimulatedWorld& world, const std::string& name,
                          const std::string& deviceXml, DeviceScope scope) {
  const std::string what = "cannot update device of guest '" + name + "'";
  Result<DeviceCall> call = startDeviceCall(world, what, name, deviceXml, scope);
  if (!call) return call.error();
  const GuestDevice* device = &call->device;
  ObservedDomain* domain = call->domain;
  const Targets* targets = &call->targets;
  if (device->kind == GuestDevice::Kind::hostdev) {
    return libvirtError(what, VIR_ERR_OPERATION_UNSUPPORTED,
                        std::string(targets->config ? "persistent" : "live") +
                            " update of device 'hostdev' is not supported");
  }
  if (targets->config) {
    Result<size_t> index = find(what, domain->configDevices, *device);
    if (!index) return index.error();
    if (Result<void> r = setXml(what, domain->inactiveXml,
                                replaceDevice(domain->inactiveXml, *index, deviceXml));
        !r)
      return r;
  }
  if (targets->live) {
    Result<size_t> index = find(what, domain->liveDevices, *device);
    if (!index) return index.error();
    const GuestDevice& current = domain->liveDevices[*index];
    if (passesThrough(world.state, current)) {  // qemuDomainChangeNet: nothing can change
      return libvirtError(what, VIR_ERR_OPERATION_UNSUPPORTED,
                          "cannot change config of 'hostdev' network type");
    }
    if (Result<void> r = setXml(what, domain->xml, replaceDevice(domain->xml, *index, deviceXml));
        !r)
      return r;
  }
  return rederive(what, *domain);
}

Result<void> shutdownGuest(SimulatedWorld& world, const std::string& name,
                           std::chrono::seconds timeout) {
  const std::string what = "cannot shut down guest '" + name + "'";
  ObservedDomain* domain = findDomain(world.state, name);
  if (!domain) return noDomain(what, name);
  if (!active(*domain))
    return libvirtError(what, VIR_ERR_OPERATION_INVALID, "domain is not running");
  if (domain->state == DomainState::paused) {
    // Worded as LinuxHost's LibvirtWriter says it after its wait.
    return Error{"guest " + name + " did not shut down within " + secondsText(timeout) +
                     "; it is paused, so it cannot answer the ACPI shutdown request; it was not "
                     "forced off",
                 ETIMEDOUT};
  }
  for (const GuestDevice& device : domain->liveDevices) releaseDevice(world, name, device);
  domain->state = DomainState::shutoff;
  if (!domain->persistent) {
    std::erase_if(world.state.domains, [&](const ObservedDomain& d) { return d.name == name; });
    return {};
  }
  return rederive(what, *domain);
}

Result<void> startGuest(SimulatedWorld& world, const std::string& name) {
  const std::string what = "cannot start guest '" + name + "'";
  ObservedDomain* domain = findDomain(world.state, name);
  if (!domain) return noDomain(what, name);
  if (active(*domain)) {
    return libvirtError(what, VIR_ERR_OPERATION_INVALID, "domain is already running");
  }
  for (const GuestDevice& device : domain->configDevices) {
    if (Result<void> r = checkIommu(what, world.state, device); !r) return r;
  }
  for (const GuestDevice& device : domain->configDevices) {
    if (Result<void> r = useDevice(world, what, name, device); !r) return r;
  }
  domain->state = DomainState::running;
  domain->xml = showActual(world, name, domain->inactiveXml);
  return rederive(what, *domain);
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

}  // namespace sriov::reconcile::simulated
