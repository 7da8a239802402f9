// How many more PCI devices a running guest can take live: its free hot-pluggable PCI slots,
// counted from its live domain XML by libvirt's PCI topology rules (formatdomain "Controllers").
#pragma once

#include <optional>
#include <pugixml.hpp>
#include <string>

namespace sriov::reconcile {

// The free hot-pluggable PCI slots of a running domain's live XML, or nullopt when it cannot
// tell (XML that does not parse, no pcie-root or pci-root controller, an address it cannot read).
// A slot is occupied by the guest-side <address type='pci'> of any element of <devices>
// (controllers' too; a hostdev's <source><address> is the host's, not counted). Slots offered:
//  - q35 (pcie-root): slot 0 of the bus each pcie-root-port and pcie-switch-downstream-port
//    provides (its index), free when no address is on that bus;
//  - i440fx (pci-root): bus 0 slots 2-31 (0 is the host bridge, 1 the PIIX3 libvirt always
//    reserves);
//  - both: slots 1-31 of the bus of each pci-bridge and pcie-to-pci-bridge.
// A controller with <target hotplug='off'/> offers none. dmi-to-pci-bridge, pcie-root and
// switch upstream ports are not hot-pluggable.
std::optional<unsigned> freeHotplugSlots(const std::string& domainXml);
// The same of a live domain XML parsed already.
std::optional<unsigned> freeHotplugSlots(const pugi::xml_document& domainXml);

}  // namespace sriov::reconcile
