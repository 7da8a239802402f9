// libFuzzer target: reading SR-IOV devices and the uuid from any domain XML.
#include <cstddef>
#include <cstdint>
#include <string>

#include "reconcile/domain_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string xml(reinterpret_cast<const char*>(data), size);
  (void)sriov::reconcile::parseGuestDevices(xml);
  (void)sriov::reconcile::uuidOf(xml);
  return 0;
}
