// The changes a plan asks a host to make, as plain data: a VF's settings, a link, the scope of a
// device change, a network definition. Model types (standard library and observed_state.h only)
// shared by plan.h and the Host seam, so the plan types do not depend on the seam.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/observed_state.h"

namespace sriov::reconcile {

// Which definitions of a domain a device change affects (virDomainModificationImpact).
// config is always wanted; live only for a running guest (libvirt refuses it otherwise).
struct DeviceScope {
  bool live = false;
  bool config = true;
};

enum class Link { up, down };

// A change to one VF's PF-side settings; unset fields are left as they are.
struct VfChange {
  std::optional<std::string> mac;
  std::optional<unsigned> vlan;  // set together with qos
  std::optional<unsigned> qos;
  std::optional<bool> spoofCheck;
  std::optional<bool> trust;
  std::optional<LinkState> linkState;
  std::optional<uint32_t> minTxRate;  // min and max are set together (IFLA_VF_RATE)
  std::optional<uint32_t> maxTxRate;
};

// What a hostdev network should look like; pfDev or vfs (normalised PCI addresses). The libvirt
// XML of it is written by networkXml (device_xml.h).
struct NetworkDefinition {
  std::string name;
  // The persistent XML of the network it redefines, whose uuid it keeps (libvirt refuses a new
  // uuid for an old name); empty for a new network.
  std::string replaces;
  std::string pfDev;
  std::vector<std::string> vfs;
  bool managed = true;
  std::optional<unsigned> vlan;
  std::optional<schema::VlanTrunk> vlanForm;  // vlan is its first tag
};

}  // namespace sriov::reconcile
