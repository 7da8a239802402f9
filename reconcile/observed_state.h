// What a host really is, observed in one pass: SR-IOV PFs and VFs (sysfs, netlink) and the
// libvirt networks and domains that use them. Plain data; also the content of a state file.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "schema/spec.h"

namespace sriov::reconcile {

using schema::LinkState;
using schema::Virtualport;

// The PF-side netlink settings of one VF (IFLA_VFINFO_LIST).
struct VfNetlink {
  std::string mac = "00:00:00:00:00:00";  // lowercase, colon separated; all zero when unset
  unsigned vlan = 0;
  unsigned qos = 0;
  std::optional<bool> spoofCheck;  // unset when the driver does not report it
  std::optional<bool> trust;
  LinkState linkState = LinkState::auto_;
  uint32_t minTxRate = 0;  // Mbit/s
  uint32_t maxTxRate = 0;  // Mbit/s
  friend bool operator==(const VfNetlink&, const VfNetlink&) = default;
};

// What libvirt saved of a VF's PF-side settings when a running guest's <interface
// type='hostdev'> (or hostdev network interface) took it, and writes back through the PF when the
// guest lets go of it (live detach, shutdown, destroy), then forgets: virNetDevSaveNetConfig's
// file <pf>_vf<index> in kLibvirtHostdevDir, JSON {"adminMac", "vlanTag", "mac"} (libvirt 9).
// libvirt gives back `mac` (the VF netdev's own MAC, saved when the VF had a netdev) as the VF's
// admin MAC, else `adminMac`, and the VLAN tag with qos 0 (virHostdevRestoreNetConfig).
struct LibvirtSavedVf {
  std::string adminMac;             // the PF-side MAC then, lowercase; empty: not in the file
  std::optional<unsigned> vlanTag;  // the PF-side VLAN then; unset: not in the file (restored as 0)
  std::string mac;                  // the VF netdev's MAC then; empty: it had no netdev
  friend bool operator==(const LibvirtSavedVf&, const LibvirtSavedVf&) = default;

  // The MAC libvirt writes back: mac, else adminMac (empty: none, libvirt keeps the MAC).
  const std::string& restoredMac() const { return mac.empty() ? adminMac : mac; }
};

struct ObservedVf {
  unsigned index = 0;
  std::string pci;     // from the PF's virtfnN link, normalised
  std::string netdev;  // empty when the VF has no netdev (bound to vfio-pci, no driver, NVMe)
  std::string driver;  // bound driver, empty when none
  VfNetlink settings;
  std::optional<LibvirtSavedVf> libvirtSaved;  // unset: libvirt holds nothing saved of it
  friend bool operator==(const ObservedVf&, const ObservedVf&) = default;
};

struct ObservedPf {
  std::string name;  // netdev name; empty for a non-network PF (NVMe)
  std::string pci;   // normalised PCI address
  std::string driver;
  std::string vendorId;           // "0x8086"
  std::string deviceId;           // "0x10c9"
  std::string subsystemVendorId;  // "0x8086" (sysfs subsystem_vendor); empty: not read
  std::string subsystemDeviceId;  // "0xa03c" (sysfs subsystem_device)
  unsigned totalVfs = 0;
  unsigned numVfs = 0;
  unsigned vfOffset = 0;
  unsigned vfStride = 0;
  bool linkUp = false;          // IFF_UP of the PF netdev
  int iommuGroup = -1;          // -1: no group (IOMMU off)
  std::vector<ObservedVf> vfs;  // by index, numVfs of them
  friend bool operator==(const ObservedPf&, const ObservedPf&) = default;

  const std::string& label() const { return name.empty() ? pci : name; }
};

struct ObservedNetwork {
  std::string name;
  bool active = false;
  bool autostart = false;
  bool persistent = true;
  std::string forwardMode;                    // "hostdev", "bridge", ... empty when none
  bool managed = false;                       // <forward managed='yes'>
  std::string pfDev;                          // <forward><pf dev=.../>
  std::vector<std::string> vfs;               // <forward><address .../> as normalised PCI addresses
  std::optional<unsigned> vlan;               // <vlan><tag id=.../>: the first tag
  std::optional<schema::VlanTrunk> vlanForm;  // more than one plain tag: see GuestDevice
  bool owned = false;                         // carries sriov-apply's <metadata>
  std::string xml;                            // persistent (inactive) definition
  friend bool operator==(const ObservedNetwork&, const ObservedNetwork&) = default;
};

// One SR-IOV relevant device inside a domain's XML.
struct GuestDevice {
  enum class Kind { hostdevInterface, networkInterface, hostdev };
  Kind kind = Kind::hostdev;
  std::string pci;               // hostdevInterface, hostdev: source address, normalised
  std::string network;           // networkInterface: source network
  std::string mac;               // interfaces: lowercase MAC; empty when none
  std::optional<unsigned> vlan;  // the first <vlan><tag id>
  // libvirt's <vlan> when it is more than one plain tag (several tags, trunk='yes', a tag's
  // nativeMode), normalised (schema/vlan.h); unset for one plain tag or none.
  std::optional<schema::VlanTrunk> vlanForm;
  std::optional<Virtualport> virtualport;
  std::string alias;  // <alias name=.../>; user aliases start with "ua-"
  bool managed = true;
  std::string teaming;  // <teaming type=...>: "persistent" (the virtio twin), "transient", ""
  // Not compared. element: the device's element as read (parseGuestDevices). keep: set by the
  // planner on a device that replaces or updates an observed one, that one's element: its XML
  // is written from it (device_xml.h), keeping what the model does not hold (<driver>, <rom>,
  // <boot>, the guest-side <address>, <teaming>).
  std::string element;
  std::string keep;
  // Not compared. A pool interface's VF as libvirt's live XML shows it (a hostdev interface
  // there: restoreNetworkInterfaces); empty when the live XML does not say.
  std::string leasedPci;
  friend bool operator==(const GuestDevice& a, const GuestDevice& b) {
    return a.kind == b.kind && a.pci == b.pci && a.network == b.network && a.mac == b.mac &&
           a.vlan == b.vlan && a.vlanForm == b.vlanForm && a.virtualport == b.virtualport &&
           a.alias == b.alias && a.managed == b.managed && a.teaming == b.teaming;
  }

  bool owned() const { return alias.rfind("ua-sriov-", 0) == 0; }
};

enum class DomainState { running, paused, shutoff, other };
const char* toString(DomainState state);

struct ObservedDomain {
  std::string name;
  DomainState state = DomainState::shutoff;
  bool autostart = false;
  bool persistent = true;
  std::vector<GuestDevice> liveDevices;    // from the live XML (only when not shut off)
  std::vector<GuestDevice> configDevices;  // from the inactive (persistent) XML
  std::string xml;                         // live XML; equal to inactiveXml when shut off
  std::string inactiveXml;                 // VIR_DOMAIN_XML_INACTIVE
  // Free hot-pluggable PCI slots of the live XML (hotplug_slots.h), derived, not a state-file
  // key; only when not shut off, nullopt when the XML does not tell.
  std::optional<unsigned> freeHotplugSlots;
  // Why its SR-IOV devices cannot be read from its XML (parseGuestDevices' error: an address
  // or MAC libvirt would not write, XML over the limits), derived, not a state-file key; empty
  // when they were read. Such a domain has no devices here and is left alone: the plan reports
  // it and refuses whatever could touch it.
  std::string unreadable;
  friend bool operator==(const ObservedDomain&, const ObservedDomain&) = default;

  bool running() const { return state == DomainState::running || state == DomainState::paused; }
  // Sets unreadable (the first reason stays) and drops the devices read so far: a domain is
  // left alone whole.
  void markUnreadable(const std::string& why);
};

// Where libvirt keeps the state of running domains (qemu/NAME.xml) and active networks
// (network/NAME.xml); a boot starts with it empty.
inline constexpr const char* kLibvirtRuntimeDir = "/run/libvirt";
// Where libvirt (privileged) saves VFs' settings while guests hold them (LibvirtSavedVf).
inline constexpr const char* kLibvirtHostdevDir = "/run/libvirt/hostdevmgr";

struct ObservedState {
  std::string hostname;
  bool iommuEnabled = false;                 // /sys/kernel/iommu_groups has groups
  std::optional<bool> selinuxVirtUseSysfs;   // unset when SELinux is off or absent
  std::vector<std::string> pciDrivers;       // loaded PCI drivers (/sys/bus/pci/drivers), sorted
  std::map<std::string, std::string> files;  // files sriov-apply owns (persistence rules), as read
  std::vector<ObservedPf> pfs;               // sorted by PCI address
  std::vector<ObservedNetwork> networks;     // sorted by name
  std::vector<ObservedDomain> domains;       // sorted by name
  // Observed without libvirt (--phase host): the running domains and active networks that
  // libvirt's runtime folder (kLibvirtRuntimeDir) shows, as "guest NAME" / "network NAME".
  // Empty when libvirt was asked (then domains and networks say it all).
  std::vector<std::string> libvirtActive;
  friend bool operator==(const ObservedState&, const ObservedState&) = default;

  // Lookups by netdev name or PCI address (any form); nullptr when absent.
  const ObservedPf* findPf(const std::string& ref) const;
  const ObservedNetwork* findNetwork(const std::string& name) const;
  // By binary search: domains must be sorted by name, as every reader leaves them (a state
  // file's load sorts them, LibvirtReader sorts them, the simulated host keeps them so).
  const ObservedDomain* findDomain(const std::string& name) const;
};

}  // namespace sriov::reconcile
