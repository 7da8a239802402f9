// libvirt's network rules in a SimulatedHost: define (keeping active, autostart and the uuid),
// start (a <pf dev> pool needs VFs), stop, undefine, autostart.
#include <libvirt/virterror.h>

#include "reconcile/domain_xml.h"
#include "reconcile/simulated/simulated_host.h"
#include "reconcile/simulated/simulated_leases.h"
#include "reconcile/state_file.h"

namespace sriov::reconcile {

using simulated::findNetwork;
using simulated::libvirtError;
using simulated::noNetwork;

Result<void> SimulatedHost::defineNetwork(const std::string& xml) {
  Result<ObservedNetwork> parsed = parseNetworkXml(xml);
  std::string name = parsed ? parsed->name : "(unparsed)";
  return mutate("defineNetwork " + name, [&](SimulatedWorld& w) {
    if (!parsed)
      return Result<void>(
          Error{"cannot define network: " + parsed.error().message, VIR_ERR_XML_ERROR});
    ObservedNetwork network = parsed.value();
    ObservedNetwork* existing = findNetwork(w.state, name);
    // libvirt keeps a network's uuid: a definition without one gets a new one, and a name
    // that exists with another uuid is refused.
    std::string uuid = uuidOf(xml);
    if (uuid.empty()) {
      uuid = existing ? "" : simulated::uuidFor("network/" + name);
      if (existing) {
        return Result<void>(libvirtError(
            "cannot define network '" + name + "'", VIR_ERR_OPERATION_FAILED,
            "network '" + name + "' already exists with uuid " + uuidOf(existing->xml)));
      }
      network.xml = simulated::withUuid(xml, uuid);
    } else if (existing && uuid != uuidOf(existing->xml)) {
      return Result<void>(
          libvirtError("cannot define network '" + name + "'", VIR_ERR_OPERATION_FAILED,
                       "network '" + name + "' already exists with uuid " + uuidOf(existing->xml)));
    }
    if (existing) {
      network.active = existing->active;
      network.autostart = existing->autostart;
      *existing = network;
    } else {
      w.state.networks.push_back(network);
      sortState(w.state);
    }
    return Result<void>();
  });
}

Result<void> SimulatedHost::startNetwork(const std::string& name) {
  return mutate("startNetwork " + name, [&](SimulatedWorld& w) {
    const std::string what = "cannot start network '" + name + "'";
    ObservedNetwork* network = findNetwork(w.state, name);
    if (!network) return Result<void>(noNetwork(what, name));
    if (network->active) {
      return Result<void>(
          libvirtError(what, VIR_ERR_OPERATION_INVALID, "network is already active"));
    }
    if (network->forwardMode == "hostdev" && !network->pfDev.empty()) {
      const ObservedPf* pf = w.state.findPf(network->pfDev);
      if (!pf) {
        return Result<void>(libvirtError(what, VIR_ERR_INTERNAL_ERROR,
                                         "Could not get Virtual functions on " + network->pfDev));
      }
      if (pf->vfs.empty()) {
        return Result<void>(libvirtError(what, VIR_ERR_INTERNAL_ERROR,
                                         "No usable Vf's present on SRIOV PF " + network->pfDev));
      }
    }
    network->active = true;
    return Result<void>();
  });
}

Result<void> SimulatedHost::stopNetwork(const std::string& name) {
  return mutate("stopNetwork " + name, [&](SimulatedWorld& w) {
    const std::string what = "cannot stop network '" + name + "'";
    ObservedNetwork* network = findNetwork(w.state, name);
    if (!network) return Result<void>(noNetwork(what, name));
    if (!network->active) {
      return Result<void>(libvirtError(what, VIR_ERR_OPERATION_INVALID, "network is not active"));
    }
    network->active = false;
    if (!network->persistent)
      std::erase_if(w.state.networks, [&](const ObservedNetwork& n) { return n.name == name; });
    return Result<void>();
  });
}

Result<void> SimulatedHost::undefineNetwork(const std::string& name) {
  return mutate("undefineNetwork " + name, [&](SimulatedWorld& w) {
    const std::string what = "cannot undefine network '" + name + "'";
    ObservedNetwork* network = findNetwork(w.state, name);
    if (!network) return Result<void>(noNetwork(what, name));
    if (!network->persistent) {
      return Result<void>(
          libvirtError(what, VIR_ERR_OPERATION_INVALID, "network is not persistent"));
    }
    if (network->active) {  // stays up as a transient network, like libvirt
      network->persistent = false;
      network->autostart = false;
    } else {
      std::erase_if(w.state.networks, [&](const ObservedNetwork& n) { return n.name == name; });
    }
    return Result<void>();
  });
}

Result<void> SimulatedHost::setNetworkAutostart(const std::string& name, bool autostart) {
  return mutate("setNetworkAutostart " + name + (autostart ? " true" : " false"),
                [&](SimulatedWorld& w) {
                  const std::string what = "cannot set autostart of network '" + name + "'";
                  ObservedNetwork* network = findNetwork(w.state, name);
                  if (!network) return Result<void>(noNetwork(what, name));
                  if (!network->persistent) {
                    return Result<void>(libvirtError(what, VIR_ERR_OPERATION_INVALID,
                                                     "cannot set autostart for transient network"));
                  }
                  network->autostart = autostart;
                  return Result<void>();
                });
}

}  // namespace sriov::reconcile
