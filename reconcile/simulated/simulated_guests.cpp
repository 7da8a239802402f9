// libvirt's guest rules for SimulatedHost: device attach, detach and update, start, shutdown.
#include "reconcile/simulated/simulated_guests.h"

#include <libvirt/virterror.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <pugixml.hpp>

#include "reconcile/domain_xml.h"
#include "reconcile/domain_xml_edit.h"
#include "reconcile/host/duration_text.h"
#include "reconcile/hotplug_slots.h"
#include "reconcile/xml_document.h"
#include "schema/mac_address.h"
#include "schema/pci_address.h"

namespace sriov::reconcile::simulated {

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
    releaseVf(world, device.pci, device.managed,
              device.kind == GuestDevice::Kind::hostdevInterface);
    return;
  }
  if (std::optional<std::string> pci = leaseOf(world, domain, device)) {
    releaseVf(world, *pci, world.leases[*pci].managed, true);
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
  domain.freeHotplugSlots.reset();
  if (active(domain)) {
    if (domain.running()) domain.freeHotplugSlots = freeHotplugSlots(domain.xml);
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
    // libvirt keeps what the new XML does not say of the device (its guest address, driver).
    Result<std::string> edited = editedDeviceXml(domain->inactiveXml, *index, *device);
    if (!edited) return libvirtError(what, VIR_ERR_XML_ERROR, edited.error().message);
    if (Result<void> r =
            setXml(what, domain->inactiveXml, replaceDevice(domain->inactiveXml, *index, *edited));
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
    Result<std::string> edited = editedDeviceXml(domain->xml, *index, *device);
    if (!edited) return libvirtError(what, VIR_ERR_XML_ERROR, edited.error().message);
    if (Result<void> r = setXml(what, domain->xml, replaceDevice(domain->xml, *index, *edited)); !r)
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

}  // namespace sriov::reconcile::simulated
