// Changing libvirt's networks and domains through its C API: define / start / stop /
// undefine networks, attach / detach / update guest devices, shut down and start guests.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "reconcile/host/host.h"
#include "reconcile/host/libvirt_connection.h"
#include "reconcile/result.h"

namespace sriov::reconcile {

class LibvirtWriter {
 public:
  // The connection must outlive the writer. A live detach waits at most detachTimeout for
  // the guest to release the device.
  LibvirtWriter(const LibvirtConnection& connection, std::chrono::milliseconds detachTimeout);

  // Each fails with "cannot <verb> network NAME: <libvirt's message>".
  Result<void> defineNetwork(const std::string& xml) const;  // virNetworkDefineXML
  Result<void> startNetwork(const std::string& name) const;  // virNetworkCreate
  Result<void> stopNetwork(const std::string& name) const;   // virNetworkDestroy
  Result<void> undefineNetwork(const std::string& name) const;
  Result<void> setNetworkAutostart(const std::string& name, bool autostart) const;

  // virDomain{Attach,Detach,Update}DeviceFlags with VIR_DOMAIN_AFFECT_LIVE and / or
  // VIR_DOMAIN_AFFECT_CONFIG from scope (neither: VIR_DOMAIN_AFFECT_CURRENT). Fail with
  // "cannot attach a device to guest NAME: <libvirt's message>" ("detach a device from",
  // "update a device of").
  Result<void> attachDevice(const std::string& domain, const std::string& deviceXml,
                            DeviceScope scope) const;
  // A live detach only asks the guest to let go of the device (a PCI unplug request that its
  // OS must answer); libvirt returns before that has happened. So after a live detach this
  // polls the live XML until the device (found by its alias, else its PCI source address,
  // else its MAC) is gone, and fails after detachTimeout with "guest NAME did not release
  // hostdev 0000:03:10.0 within 30 s; it must answer the PCI unplug request (is its OS
  // running?)". A device XML with none of the three is not waited for. When scope has config
  // too, libvirt has already taken the device out of the configuration by then: it is put back
  // (the failed detach changes nothing) and the message says "; it stays in the configuration
  // (the unplug request stays pending in the guest)".
  Result<void> detachDevice(const std::string& domain, const std::string& deviceXml,
                            DeviceScope scope) const;
  Result<void> updateDevice(const std::string& domain, const std::string& deviceXml,
                            DeviceScope scope) const;

  // The PCI address ("0000:03:10.0") of the VF that the device (found in the guest's live XML
  // as detachDevice finds it) passes through when libvirt manages it (managed='yes', also a
  // pool interface, whose live XML libvirt writes as a managed hostdev interface): libvirt gives
  // such a VF back to its host driver once the guest let go of it. nullopt for any other
  // device, a guest that is not running, or a live XML that cannot be read.
  std::optional<std::string> managedVfOf(const std::string& domain,
                                         const std::string& deviceXml) const;

  // virDomainShutdown (an ACPI request the guest's OS must answer), then waits up to timeout
  // for the guest to be shut off. Never forces it off: on timeout fails with "guest NAME did
  // not shut down within T s; it must answer the ACPI shutdown request (is its OS running?);
  // it was not forced off".
  Result<void> shutdownGuest(const std::string& domain, std::chrono::milliseconds timeout) const;
  Result<void> startGuest(const std::string& domain) const;  // virDomainCreate

 private:
  Result<void> waitForRelease(virDomainPtr domain, const std::string& name,
                              const std::string& deviceXml) const;

  const LibvirtConnection& connection_;
  std::chrono::milliseconds detachTimeout_;
};

}  // namespace sriov::reconcile
