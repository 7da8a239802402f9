// Defines, starts and stops libvirt networks and changes guests' devices and power state,
// waiting for what libvirt only requests (a live unplug, an ACPI shutdown) to really happen.
#include "reconcile/host/libvirt_writer.h"

#include <libvirt/virterror.h>

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <pugixml.hpp>
#include <thread>
#include <utility>

#include "reconcile/domain_xml.h"
#include "reconcile/domain_xml_edit.h"
#include "reconcile/host/duration_text.h"
#include "reconcile/xml_document.h"
#include "schema/mac_address.h"
#include "schema/pci_address.h"

namespace sriov::reconcile {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kPollInterval{200};

unsigned flagsOf(DeviceScope scope) {
  unsigned flags = VIR_DOMAIN_AFFECT_CURRENT;
  if (scope.live) flags |= VIR_DOMAIN_AFFECT_LIVE;
  if (scope.config) flags |= VIR_DOMAIN_AFFECT_CONFIG;
  return flags;
}

// How a device element is recognised in a domain's XML: its element name, and its alias,
// PCI source address and MAC where it has them.
struct DeviceKey {
  std::string element;
  std::string alias;
  std::string pci;
  std::string mac;

  static DeviceKey of(const pugi::xml_node& device) {
    DeviceKey key;
    key.element = device.name();
    key.alias = device.child("alias").attribute("name").as_string();
    pugi::xml_node address = device.child("source").child("address");
    std::optional<schema::PciAddress> pci = schema::PciAddress::fromAttributes(
        address.attribute("domain").as_string(), address.attribute("bus").as_string(),
        address.attribute("slot").as_string(), address.attribute("function").as_string());
    if (address && pci) key.pci = pci->str();
    key.mac =
        schema::normaliseMac(device.child("mac").attribute("address").as_string()).value_or("");
    return key;
  }

  bool identifies() const { return !alias.empty() || !pci.empty() || !mac.empty(); }

  // Whether other is this device: the same element and the first of alias, PCI address and
  // MAC that this key has.
  bool matches(const DeviceKey& other) const {
    if (other.element != element) return false;
    if (!alias.empty()) return other.alias == alias;
    if (!pci.empty()) return other.pci == pci;
    return !mac.empty() && other.mac == mac;
  }

  std::string describe() const {
    return element + " " + (!pci.empty() ? pci : !alias.empty() ? alias : mac);
  }
};

std::optional<DeviceKey> keyOfDeviceXml(const std::string& deviceXml) {
  pugi::xml_document doc;
  if (!loadXml(doc, deviceXml, "device")) return std::nullopt;
  DeviceKey key = DeviceKey::of(doc.document_element());
  if (!key.identifies()) return std::nullopt;
  return key;
}

// Loads the domain's live XML into doc; false when it cannot be read or parsed.
bool loadLiveXml(virDomainPtr domain, pugi::xml_document& doc) {
  char* raw = virDomainGetXMLDesc(domain, 0);
  if (!raw) return false;
  bool parsed = static_cast<bool>(loadXml(doc, raw, "domain"));  // within the limits
  std::free(raw);
  return parsed;
}

// Whether the domain's live XML still holds a device matching key; nullopt when the XML
// cannot be read (an error is pending in libvirt) or parsed.
std::optional<bool> liveXmlHas(virDomainPtr domain, const DeviceKey& key) {
  pugi::xml_document doc;
  if (!loadLiveXml(domain, doc)) return std::nullopt;
  for (pugi::xml_node device : doc.child("domain").child("devices").children())
    if (key.matches(DeviceKey::of(device))) return true;
  return false;
}

// The PCI source address of the live device matching key when libvirt manages it.
std::optional<std::string> managedSourceIn(virDomainPtr domain, const DeviceKey& key) {
  pugi::xml_document doc;
  if (!loadLiveXml(domain, doc)) return std::nullopt;
  for (pugi::xml_node device : doc.child("domain").child("devices").children()) {
    DeviceKey live = DeviceKey::of(device);
    if (!key.matches(live)) continue;
    if (live.pci.empty() || std::string(device.attribute("managed").as_string()) != "yes")
      return std::nullopt;
    return live.pci;
  }
  return std::nullopt;
}

// The <name> of a network's XML, for messages; empty when it has none.
std::string networkName(const std::string& xml) {
  pugi::xml_document doc;
  if (!loadXml(doc, xml, "network")) return "";
  return doc.child("network").child("name").text().as_string();
}

}  // namespace

LibvirtWriter::LibvirtWriter(const LibvirtConnection& connection, milliseconds detachTimeout)
    : connection_(connection), detachTimeout_(detachTimeout) {}

namespace {

// Runs call on the network called name; errors start with what ("cannot start network X").
template <typename Call>
Result<void> onNetwork(const LibvirtConnection& connection, const std::string& name,
                       const std::string& what, Call call) {
  NetworkHandle network(virNetworkLookupByName(connection.get(), name.c_str()));
  if (!network) return libvirtError(what);
  if (call(network.get()) < 0) return libvirtError(what);
  return {};
}

template <typename Call>
Result<void> onDomain(const LibvirtConnection& connection, const std::string& name,
                      const std::string& what, Call call) {
  DomainHandle domain(virDomainLookupByName(connection.get(), name.c_str()));
  if (!domain) return libvirtError(what);
  return call(domain.get());
}

}  // namespace

Result<void> LibvirtWriter::defineNetwork(const std::string& xml) const {
  std::string name = networkName(xml);
  NetworkHandle network(virNetworkDefineXML(connection_.get(), xml.c_str()));
  if (!network)
    return libvirtError("cannot define network" + (name.empty() ? std::string() : " " + name));
  return {};
}

Result<void> LibvirtWriter::startNetwork(const std::string& name) const {
  return onNetwork(connection_, name, "cannot start network " + name, virNetworkCreate);
}

Result<void> LibvirtWriter::stopNetwork(const std::string& name) const {
  return onNetwork(connection_, name, "cannot stop network " + name, virNetworkDestroy);
}

Result<void> LibvirtWriter::undefineNetwork(const std::string& name) const {
  return onNetwork(connection_, name, "cannot undefine network " + name, virNetworkUndefine);
}

Result<void> LibvirtWriter::setNetworkAutostart(const std::string& name, bool autostart) const {
  std::string what =
      std::string("cannot ") + (autostart ? "enable" : "disable") + " autostart of network " + name;
  return onNetwork(connection_, name, what, [&](virNetworkPtr network) {
    return virNetworkSetAutostart(network, autostart ? 1 : 0);
  });
}

namespace {

// virDomainAttachDeviceFlags, virDomainDetachDeviceFlags or virDomainUpdateDeviceFlags.
using DeviceCall = int (*)(virDomainPtr, const char*, unsigned int);

// Runs call with deviceXml and scope's flags on the domain called name, then after on it.
template <typename After>
Result<void> changeDevice(const LibvirtConnection& connection, const std::string& name,
                          const std::string& what, DeviceCall call, const std::string& deviceXml,
                          DeviceScope scope, After after) {
  return onDomain(connection, name, what, [&](virDomainPtr domain) -> Result<void> {
    if (call(domain, deviceXml.c_str(), flagsOf(scope)) < 0) return libvirtError(what);
    return after(domain);
  });
}

Result<void> nothingMore(virDomainPtr) {
  return {};
}

// deviceXml applied to the device it names in the guest's XML (the inactive XML when the config
// changes), editing that element: what the spec does not model of it (<driver>, <rom>, <boot>,
// the guest-side <address>, <teaming>) stays. deviceXml itself when the guest has no such
// device (libvirt then says so).
Result<std::string> editedInPlace(virDomainPtr domain, const std::string& deviceXml,
                                  DeviceScope scope) {
  Result<GuestDevice> want = parseDeviceXml(deviceXml);
  if (!want) return want.error();
  char* raw = virDomainGetXMLDesc(domain, scope.config ? VIR_DOMAIN_XML_INACTIVE : 0);
  if (!raw) return libvirtError("cannot read the guest's XML");
  std::string xml(raw);
  std::free(raw);
  Result<std::vector<GuestDevice>> devices = parseGuestDevices(xml);
  if (!devices) return devices.error();
  std::optional<size_t> index = findDevice(*devices, *want);
  if (!index) return deviceXml;
  return editedDeviceXml(xml, *index, *want);
}

}  // namespace

Result<void> LibvirtWriter::attachDevice(const std::string& domain, const std::string& deviceXml,
                                         DeviceScope scope) const {
  return changeDevice(connection_, domain, "cannot attach a device to guest " + domain,
                      virDomainAttachDeviceFlags, deviceXml, scope, nothingMore);
}

Result<void> LibvirtWriter::updateDevice(const std::string& domain, const std::string& deviceXml,
                                         DeviceScope scope) const {
  const std::string what = "cannot update a device of guest " + domain;
  return onDomain(connection_, domain, what, [&](virDomainPtr d) -> Result<void> {
    Result<std::string> edited = editedInPlace(d, deviceXml, scope);
    if (!edited) return Error{what + ": " + edited.error().message, edited.error().code};
    if (virDomainUpdateDeviceFlags(d, edited->c_str(), flagsOf(scope)) < 0)
      return libvirtError(what);
    return {};
  });
}

Result<void> LibvirtWriter::detachDevice(const std::string& domain, const std::string& deviceXml,
                                         DeviceScope scope) const {
  return changeDevice(
      connection_, domain, "cannot detach a device from guest " + domain,
      virDomainDetachDeviceFlags, deviceXml, scope, [&](virDomainPtr d) -> Result<void> {
        if (!scope.live) return {};
        Result<void> released = waitForRelease(d, domain, deviceXml);
        if (released || !scope.config) return released;
        // libvirt took the device out of the configuration when it sent the unplug request
        // (qemuDomainDetachDeviceLiveAndConfig saves the config once the request is sent). Put
        // it back, so that the failed detach leaves the guest as it was.
        const std::string& why = released.error().message;
        if (virDomainAttachDeviceFlags(d, deviceXml.c_str(), VIR_DOMAIN_AFFECT_CONFIG) < 0)
          return Error{why + "; putting it back into the configuration failed too: " +
                           libvirtError("cannot attach it").message,
                       released.error().code};
        return Error{why +
                         "; it stays in the configuration (the unplug request stays pending "
                         "in the guest)",
                     released.error().code};
      });
}

std::optional<std::string> LibvirtWriter::managedVfOf(const std::string& domain,
                                                      const std::string& deviceXml) const {
  std::optional<DeviceKey> key = keyOfDeviceXml(deviceXml);
  if (!key) return std::nullopt;
  std::optional<std::string> vf;
  Result<void> looked =
      onDomain(connection_, domain, "cannot look up guest " + domain, [&](virDomainPtr d) {
        if (virDomainIsActive(d) == 1) vf = managedSourceIn(d, *key);
        return Result<void>();
      });
  if (!looked) virResetLastError();  // the detach that follows says what is wrong
  return vf;
}

Result<void> LibvirtWriter::waitForRelease(virDomainPtr domain, const std::string& name,
                                           const std::string& deviceXml) const {
  std::optional<DeviceKey> key = keyOfDeviceXml(deviceXml);
  if (!key) return {};  // nothing to recognise it by (libvirt accepted it, so it parses)
  Clock::time_point deadline = Clock::now() + detachTimeout_;
  for (;;) {
    if (virDomainIsActive(domain) == 0) return {};  // stopped meanwhile: the device is free
    std::optional<bool> present = liveXmlHas(domain, *key);
    if (!present) return libvirtError("cannot read the live XML of guest " + name);
    if (!*present) return {};
    if (Clock::now() >= deadline)
      return Error{"guest " + name + " did not release " + key->describe() + " within " +
                       secondsText(detachTimeout_) +
                       "; it must answer the PCI unplug request (is its OS running?)",
                   ETIMEDOUT};
    std::this_thread::sleep_for(kPollInterval);
  }
}

Result<void> LibvirtWriter::shutdownGuest(const std::string& domain, milliseconds timeout) const {
  std::string what = "cannot shut down guest " + domain;
  return onDomain(connection_, domain, what, [&](virDomainPtr d) -> Result<void> {
    if (virDomainShutdown(d) < 0) return libvirtError(what);
    Clock::time_point deadline = Clock::now() + timeout;
    for (;;) {
      int state = VIR_DOMAIN_NOSTATE;
      if (virDomainGetState(d, &state, nullptr, 0) < 0) return libvirtError(what);
      if (state == VIR_DOMAIN_SHUTOFF) return {};
      if (Clock::now() >= deadline)
        return Error{"guest " + domain + " did not shut down within " + secondsText(timeout) +
                         "; it must answer the ACPI shutdown request (is its OS running?); it "
                         "was not forced off",
                     ETIMEDOUT};
      std::this_thread::sleep_for(kPollInterval);
    }
  });
}

Result<void> LibvirtWriter::startGuest(const std::string& domain) const {
  std::string what = "cannot start guest " + domain;
  return onDomain(connection_, domain, what, [&](virDomainPtr d) -> Result<void> {
    if (virDomainCreate(d) < 0) return libvirtError(what);
    return {};
  });
}

}  // namespace sriov::reconcile
