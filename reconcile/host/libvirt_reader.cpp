// Lists libvirt's networks and domains in bulk and reads each one's state and XML once.
#include "reconcile/host/libvirt_reader.h"

#include <libvirt/virterror.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "reconcile/domain_xml.h"

namespace sriov::reconcile {
namespace {

// The array virConnectListAll* hands back, freed with every object it still holds.
template <typename Handle, typename Raw>
std::vector<Handle> adopt(Raw* objects, int count) {
  std::vector<Handle> handles;
  handles.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) handles.emplace_back(objects[i]);
  std::free(objects);
  return handles;
}

// Takes ownership of a string libvirt allocated.
std::string adoptString(char* text) {
  std::string result = text;
  std::free(text);
  return result;
}

// Whether libvirt's last error says the object went away after the list call (undefined or,
// for a transient object, stopped meanwhile): such an object is skipped, not an error.
bool vanished() {
  virErrorPtr error = virGetLastError();
  return error && (error->code == VIR_ERR_NO_DOMAIN || error->code == VIR_ERR_NO_NETWORK);
}

DomainState toDomainState(int state) {
  switch (state) {
    case VIR_DOMAIN_RUNNING:
      return DomainState::running;
    case VIR_DOMAIN_PAUSED:
      return DomainState::paused;
    case VIR_DOMAIN_SHUTOFF:
      return DomainState::shutoff;
    default:
      return DomainState::other;
  }
}

// One network, or nullopt when it vanished while being read.
Result<std::optional<ObservedNetwork>> readNetwork(virNetworkPtr network) {
  std::string name = virNetworkGetName(network);
  std::string what = "cannot read libvirt network " + name;
  int active = virNetworkIsActive(network);
  int persistent = virNetworkIsPersistent(network);
  int autostart = 0;
  char* xml = nullptr;
  if (active >= 0 && persistent >= 0 && virNetworkGetAutostart(network, &autostart) == 0)
    xml = virNetworkGetXMLDesc(network, VIR_NETWORK_XML_INACTIVE);
  if (!xml) {
    if (vanished()) return std::optional<ObservedNetwork>();
    return libvirtError(what);
  }
  Result<ObservedNetwork> parsed = parseNetworkXml(adoptString(xml));
  if (!parsed) return Error{what + ": " + parsed.error().message, parsed.error().code};
  ObservedNetwork observed = std::move(*parsed);
  observed.active = active == 1;
  observed.persistent = persistent == 1;
  observed.autostart = autostart == 1;
  return std::optional<ObservedNetwork>(std::move(observed));
}

// One domain, or nullopt when it vanished while being read.
Result<std::optional<ObservedDomain>> readDomain(virDomainPtr domain) {
  ObservedDomain observed;
  observed.name = virDomainGetName(domain);
  std::string what = "cannot read libvirt domain " + observed.name;
  int state = 0;
  int autostart = 0;
  int persistent = -1;
  char* xml = nullptr;
  if (virDomainGetState(domain, &state, nullptr, 0) == 0 &&
      virDomainGetAutostart(domain, &autostart) == 0 &&
      (persistent = virDomainIsPersistent(domain)) >= 0)
    xml = virDomainGetXMLDesc(domain, 0);
  if (!xml) {
    if (vanished()) return std::optional<ObservedDomain>();
    return libvirtError(what);
  }
  observed.state = toDomainState(state);
  observed.autostart = autostart == 1;
  observed.persistent = persistent == 1;
  observed.xml = adoptString(xml);
  bool active = state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_CRASHED;

  if (active) {
    Result<std::vector<GuestDevice>> live = parseGuestDevices(observed.xml);
    if (!live) return Error{what + ": " + live.error().message, live.error().code};
    observed.liveDevices = std::move(*live);
  }
  if (!observed.persistent) return std::optional<ObservedDomain>(std::move(observed));
  // Below: a running guest's network interfaces on hostdev networks, shown live as the hostdev
  // interface they got, are turned back (restoreNetworkInterfaces) once the config is read.

  if (active) {
    char* inactive = virDomainGetXMLDesc(domain, VIR_DOMAIN_XML_INACTIVE);
    if (!inactive) {
      if (vanished()) return std::optional<ObservedDomain>();
      return libvirtError(what);
    }
    observed.inactiveXml = adoptString(inactive);
  } else {
    observed.inactiveXml = observed.xml;
  }
  Result<std::vector<GuestDevice>> config = parseGuestDevices(observed.inactiveXml);
  if (!config) return Error{what + ": " + config.error().message, config.error().code};
  observed.configDevices = std::move(*config);
  restoreNetworkInterfaces(observed.liveDevices, observed.configDevices);
  return std::optional<ObservedDomain>(std::move(observed));
}

}  // namespace

LibvirtReader::LibvirtReader(const LibvirtConnection& connection) : connection_(connection) {}

Result<std::vector<ObservedNetwork>> LibvirtReader::networks() const {
  virNetworkPtr* raw = nullptr;
  int count = virConnectListAllNetworks(connection_.get(), &raw, 0);
  if (count < 0) return libvirtError("cannot list libvirt networks at " + connection_.uri());
  std::vector<NetworkHandle> handles = adopt<NetworkHandle>(raw, count);

  std::vector<ObservedNetwork> networks;
  for (const NetworkHandle& handle : handles) {
    Result<std::optional<ObservedNetwork>> network = readNetwork(handle.get());
    if (!network) return network.error();
    if (*network) networks.push_back(std::move(**network));
  }
  std::sort(networks.begin(), networks.end(),
            [](const ObservedNetwork& a, const ObservedNetwork& b) { return a.name < b.name; });
  return networks;
}

Result<std::vector<ObservedDomain>> LibvirtReader::domains() const {
  virDomainPtr* raw = nullptr;
  int count = virConnectListAllDomains(connection_.get(), &raw, 0);
  if (count < 0) return libvirtError("cannot list libvirt domains at " + connection_.uri());
  std::vector<DomainHandle> handles = adopt<DomainHandle>(raw, count);

  std::vector<ObservedDomain> domains;
  for (const DomainHandle& handle : handles) {
    Result<std::optional<ObservedDomain>> domain = readDomain(handle.get());
    if (!domain) return domain.error();
    if (*domain) domains.push_back(std::move(**domain));
  }
  std::sort(domains.begin(), domains.end(),
            [](const ObservedDomain& a, const ObservedDomain& b) { return a.name < b.name; });
  return domains;
}

}  // namespace sriov::reconcile
