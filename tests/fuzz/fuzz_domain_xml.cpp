// libFuzzer target: reading SR-IOV devices and the uuid from any domain XML, and editing it: an
// edit's output stays linear in its input (no re-indent of the whole document).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "reconcile/domain_xml.h"
#include "reconcile/domain_xml_edit.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string xml(reinterpret_cast<const char*>(data), size);
  (void)sriov::reconcile::parseGuestDevices(xml);
  (void)sriov::reconcile::uuidOf(xml);
  static const std::string device =
      "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0' bus='5' "
      "slot='0' function='0'/></source></hostdev>";
  sriov::Result<std::string> appended = sriov::reconcile::appendDevice(xml, device);
  // Escaping may grow a character to an entity (' to &apos;), nothing grows with depth.
  if (appended && appended->size() > 8 * xml.size() + 4096) std::abort();
  if (appended) (void)sriov::reconcile::removeDevice(*appended, 0);
  return 0;
}
