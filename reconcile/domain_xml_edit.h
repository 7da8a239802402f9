// Editing the <devices> of libvirt domain XML the way attach, detach and update do, with
// pugixml. Used by SimulatedHost. The XML is written back as it was read (xml_document.h: its
// layout kept, nothing re-indented, single quotes), the device added indented libvirt style.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reconcile/observed_state.h"
#include "reconcile/result.h"

namespace sriov::reconcile {

// One <interface type='hostdev'|'network'> or <hostdev mode='subsystem' type='pci'> element.
// Anything else (another device, two elements, XML that does not parse) is an error.
Result<GuestDevice> parseDeviceXml(const std::string& deviceXml);

// The index in devices (as parseGuestDevices returns them) of the one wanted names: by alias
// when wanted has one, else by kind and source PCI address (hostdevs; hostdev interfaces, with
// their MAC when wanted has one) or
// MAC address (network interfaces; like libvirt, also a hostdev interface with that MAC: a
// running guest's pool interface is shown live as one). nullopt when none matches.
std::optional<size_t> findDevice(const std::vector<GuestDevice>& devices,
                                 const GuestDevice& wanted);

// The domain XML with deviceXml appended to <devices>.
Result<std::string> appendDevice(const std::string& domainXml, const std::string& deviceXml);
// The domain XML without the index-th SR-IOV device (parseGuestDevices order).
Result<std::string> removeDevice(const std::string& domainXml, size_t index);
// The index-th SR-IOV device of the domain XML as want has it, edited in place: the fields the
// spec models (managed, <mac>, <vlan>, <virtualport>) set to want's, everything else the element
// holds (<driver>, <rom>, <boot>, the guest-side <address>, <teaming>, its alias) kept. The
// element alone, as text: what an update sends libvirt.
Result<std::string> editedDeviceXml(const std::string& domainXml, size_t index,
                                    const GuestDevice& want);
// The domain XML with the index-th SR-IOV device replaced by deviceXml.
Result<std::string> replaceDevice(const std::string& domainXml, size_t index,
                                  const std::string& deviceXml);

}  // namespace sriov::reconcile
