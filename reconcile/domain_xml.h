// Reading libvirt XML: the SR-IOV devices inside a domain, and a network's VF pool. Numbers and
// MACs are read by libvirt's own rules: a PCI address attribute (virPCIDeviceAddressParseXML)
// is optional (0) and base 0 (bus='0x0b' hex, bus='010' octal, bus='11' decimal), as are a
// virtualport's managerid, typeid and typeidversion; a MAC's groups have one or two hex digits
// (52:54:0:a:b:c).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reconcile/observed_state.h"
#include "reconcile/result.h"

namespace pugi {
class xml_node;
}

namespace sriov::reconcile {

// The namespace of sriov-apply's <metadata> element in networks it defines, and the element.
inline constexpr const char* kOwnerNamespace = "http://sriov-apply.org/xmlns/v1";
inline constexpr const char* kOwnerElement = "sriov-apply:owner";
// Prefix of the user aliases of guest devices sriov-apply attaches (<alias name='ua-sriov-...'/>).
inline constexpr const char* kOwnedAliasPrefix = "ua-sriov-";

// A number the way libvirt reads it with base 0 (virStrToLong_uip: strtoul, the whole text, no
// sign): "0x0b" hex, "010" octal (8), "11" decimal; nullopt when it is not one.
std::optional<unsigned> parseLibvirtUnsigned(std::string_view text);

// An attribute of a PCI <address> as libvirt's virPCIDeviceAddressParseXML reads it: optional
// (0 when missing), base 0 (parseLibvirtUnsigned).
std::optional<unsigned> pciAddressPart(const pugi::xml_node& address, const char* name);

// <interface type='hostdev'>, <interface type='network'> and <hostdev type='pci'> elements of
// <devices>, in document order. Other devices are skipped. Fails on XML that does not parse.
Result<std::vector<GuestDevice>> parseGuestDevices(const std::string& domainXml);

// parseGuestDevices of one of domain's XMLs (what: "its live XML", "its XML"), as observe and
// a state file read them: none when they cannot be read (domain.markUnreadable, saying why)
// or when domain is unreadable already.
std::vector<GuestDevice> readDomainDevices(ObservedDomain& domain, const std::string& what,
                                           const std::string& xml);
// An active domain's live XML (domain.xml), parsed once: its liveDevices as readDomainDevices
// reads them ("its live XML"), and when it runs, its freeHotplugSlots (hotplug_slots.h).
void readLiveDomain(ObservedDomain& domain);

// libvirt shows a running guest's <interface type='network'> on a hostdev network, in its live
// XML, as what the network gave it: an <interface type='hostdev'> on that VF, the network's name
// gone (VIR_DOMAIN_DEF_FORMAT "publicActual"; the inactive XML keeps type='network'). This turns
// each such live device back into the network interface it is: a hostdev interface of live
// that has a twin in config (a network interface with the same ua- user alias, else the same
// MAC, not the persistent virtio half of a <teaming> pair, which shares it) becomes a copy of
// the twin, with live's alias. Returns, for each device turned back,
// its index in live and the VF it holds. Live devices without a twin (an interface attached
// live only) stay hostdev interfaces.
std::vector<std::pair<size_t, std::string>> restoreNetworkInterfaces(
    std::vector<GuestDevice>& live, const std::vector<GuestDevice>& config);

// The <uuid> of a libvirt object's XML (network or domain), empty when it has none.
std::string uuidOf(const std::string& xml);

// Name, forward mode, managed, <pf dev>, VF addresses, vlan and ownership of a network.
// active, autostart and persistent are left at their defaults; xml is set to the input.
Result<ObservedNetwork> parseNetworkXml(const std::string& networkXml);

// Whether the <metadata> of a <network> element holds an element in kOwnerNamespace (whatever
// its prefix).
bool hasOwnerMark(const pugi::xml_node& network);

}  // namespace sriov::reconcile
