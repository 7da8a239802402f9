// What libvirt's status file of a running guest (/run/libvirt/qemu/NAME.xml) says it will do
// with a VF the guest holds once it lets go of it: give it back to a host driver, or leave it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sriov::reconcile {

// libvirt writes a guest's status file with each hostdev's original states
// (<source><address .../><origstates><unbind/><reprobe/></origstates></source>, from
// virPCIDeviceDetach): <unbind/> when it took the VF off its host driver to bind it to
// vfio-pci, so that releasing the VF unbinds it from vfio-pci again (and <reprobe/> lets the
// kernel probe a host driver for it). A VF that was already on vfio-pci before the guest got it
// has no <unbind/>: libvirt leaves it there.
//
// Whether the <origstates> of statusXml's source with the PCI address vfPci ("0000:03:10.0")
// has <unbind/>; nullopt when no source has that address, it has no <origstates> (libvirt
// writes the element even when empty) or the text does not parse (within kMaxXmlBytes).
std::optional<bool> libvirtUnbindsVf(std::string_view statusXml, const std::string& vfPci);

// The same from the file runtimeDir/qemu/domain.xml (a regular file, never through a link,
// at most kMaxXmlBytes); nullopt when it cannot be read (not root, another driver, a name that
// is not a file name) or says nothing of the VF.
std::optional<bool> libvirtUnbindsVfOf(const std::string& runtimeDir, const std::string& domain,
                                       const std::string& vfPci);

}  // namespace sriov::reconcile
