// The desired state of a host as host.yaml describes it (SPEC.md, apiVersion sriov-apply/v1).
// Plain data with defaults applied; every element remembers where it was written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "schema/vlan.h"

namespace sriov::schema {

inline constexpr const char* kApiVersion = "sriov-apply/v1";

// A place in the spec file, 1-based. line == 0 means "not from a file".
struct Position {
  int line = 0;
  int col = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

enum class LinkState { auto_, enable, disable };
enum class OnDisruption { hotplug, restart, refuse };

const char* toString(LinkState state);
const char* toString(OnDisruption mode);

// A reference to one VF: the PF (netdev name or normalised PCI address, as written) and index.
struct VfRef {
  std::string pf;
  unsigned index = 0;
  Position pos;
  friend bool operator==(const VfRef& a, const VfRef& b) {
    return a.pf == b.pf && a.index == b.index;
  }
};

// Host-side settings of a VF, set through netlink on its PF. Unset fields are left alone.
struct VfSettings {
  std::optional<std::string> mac;  // normalised: lowercase, colon separated
  std::optional<unsigned> vlan;    // 0..4095, 0 = untagged
  std::optional<unsigned> qos;     // 0..7
  std::optional<bool> spoofCheck;
  std::optional<bool> trust;
  std::optional<LinkState> linkState;
  std::optional<uint32_t> minTxRate;  // Mbit/s
  std::optional<uint32_t> maxTxRate;  // Mbit/s
  std::optional<std::string> driver;  // e.g. vfio-pci; unset: the kernel's VF driver
};

// One entry of a PF's vfs: a single index (first == last) or a range "first-last".
struct VfEntry {
  unsigned first = 0;
  unsigned last = 0;
  VfSettings settings;
  Position pos;
};

struct Pf {
  std::optional<std::string> name;       // netdev name
  std::optional<std::string> pci;        // normalised PCI address, 0000:0b:00.0
  std::optional<std::string> device;     // pinned identity, normalised vendor:device "8086:10c9"
  std::optional<std::string> subsystem;  // and subsystem vendor:device
  unsigned numVfs = 0;
  bool numVfsKnown = true;  // false when numVfs was missing or invalid (already reported)
  bool persist = true;
  std::vector<VfEntry> vfs;
  std::optional<bool> linkUp;  // not in host.yaml: a rollback restores the PF's link state
  Position pos;

  // The name used in messages and plan targets: the netdev name if given, else the PCI address.
  std::string label() const { return name ? *name : pci ? *pci : std::string("(unnamed PF)"); }
};

struct Network {
  std::string name;
  std::optional<std::string> pf;  // pool of every VF of this PF (<pf dev=.../>)
  std::vector<VfRef> vfs;         // or an explicit VF list
  bool managed = true;
  std::optional<unsigned> vlan;        // vlan: 42, or the first tag of vlanTrunk
  std::optional<VlanTrunk> vlanTrunk;  // vlan: {tags: [...], ...}
  bool autostart = true;
  bool active = true;
  Position pos;
};

// <virtualport type='802.1Qbh'> (profileid) or type='802.1Qbg' (managerid, typeid, ...).
struct Virtualport {
  std::string type;
  std::optional<std::string> profileid;
  std::optional<std::string> instanceid;
  std::optional<unsigned> managerid;
  std::optional<unsigned> typeid_;
  std::optional<unsigned> typeidversion;
  friend bool operator==(const Virtualport&, const Virtualport&) = default;
};

struct Interface {
  enum class Kind { vf, network };
  Kind kind = Kind::vf;
  VfRef vf;                            // kind == vf: <interface type='hostdev'> on this VF
  std::string network;                 // kind == network: <interface type='network'> from this pool
  std::optional<std::string> mac;      // normalised; unset: derived (stable) at plan time
  std::optional<unsigned> vlan;        // vlan: 42, or the first tag of vlanTrunk
  std::optional<VlanTrunk> vlanTrunk;  // vlan: {tags: [...], trunk, native, nativeMode}
  std::optional<Virtualport> virtualport;
  // kind == vf: <interface type='hostdev' managed='yes'>; false: libvirt leaves the VF's driver
  // alone (someone binds it to vfio-pci). A network interface's pool network decides.
  bool managed = true;
  Position pos;
  std::string alias;      // not in host.yaml: a rollback keeps the device's alias (else by slot)
  bool liveOnly = false;  // not in host.yaml: a rollback restores a live-only device so
};

struct Hostdev {
  std::optional<std::string> pci;  // a whole device, normalised PCI address
  std::optional<VfRef> vf;         // or a VF of a declared PF
  bool managed = true;             // <hostdev managed='yes'>; see Interface::managed
  Position pos;
  std::string alias;      // not in host.yaml: see Interface::alias
  bool liveOnly = false;  // not in host.yaml: see Interface::liveOnly
};

struct Guest {
  std::string name;
  OnDisruption onDisruption = OnDisruption::hotplug;
  std::vector<Interface> interfaces;
  std::vector<Hostdev> hostdevs;
  Position pos;
  std::optional<bool> running;  // not in host.yaml: a rollback starts or stops the guest
  bool exactLive = false;       // not in host.yaml: a rollback restores live devices too
};

struct Spec {
  std::string file;  // path it was loaded from, for messages
  std::string apiVersion = kApiVersion;
  std::optional<std::string> host;
  std::vector<Pf> pfs;
  std::vector<Network> networks;
  std::vector<Guest> guests;
  bool prune = false;
  // Not in host.yaml: a rollback restores the persistence file exactly as it was: this content,
  // or (removePersistence) no file at all. Unset: the file follows the PFs' persist.
  std::optional<std::string> persistenceContent;
  bool removePersistence = false;

  // The PF a reference (netdev name or PCI address, any form) names, or nullptr.
  const Pf* findPf(const std::string& ref) const;
  const Network* findNetwork(const std::string& name) const;
  const Guest* findGuest(const std::string& name) const;
};

}  // namespace sriov::schema
