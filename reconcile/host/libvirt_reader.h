// Reading libvirt's networks and domains, and the SR-IOV devices in their XML, at libvirt's
// floor: a handful of filtered list calls say every object's state, persistence and autostart,
// then one XML read per object (and one inactive XML per running persistent domain).
#pragma once

#include <vector>

#include "reconcile/host/libvirt_connection.h"
#include "reconcile/observed_state.h"
#include "reconcile/result.h"

namespace sriov::reconcile {

class LibvirtReader {
 public:
  // The connection must outlive the reader.
  explicit LibvirtReader(const LibvirtConnection& connection);

  // Every network (virConnectListAllNetworks: all, then filtered by active, persistent,
  // autostart: 4 calls), sorted by name: active, autostart, persistent,
  // and what parseNetworkXml() reads from its persistent definition
  // (virNetworkGetXMLDesc(VIR_NETWORK_XML_INACTIVE)). So a <pf dev=.../> pool lists no VFs
  // here, even when libvirt resolved them in the live XML of the started network.
  Result<std::vector<ObservedNetwork>> networks() const;

  // Every domain (virConnectListAllDomains filtered by running, paused, shut off, other,
  // persistent, autostart: 6 calls; a domain in another state costs one virDomainGetState),
  // sorted by name: state, autostart, persistent,
  // the live XML and the devices in it (an active domain only), and the persistent XML
  // (VIR_DOMAIN_XML_INACTIVE) and its devices. A shut-off domain's XML is fetched once and is
  // both; a transient domain has no persistent XML: inactiveXml and configDevices stay empty.
  Result<std::vector<ObservedDomain>> domains() const;

 private:
  const LibvirtConnection& connection_;
};

}  // namespace sriov::reconcile
