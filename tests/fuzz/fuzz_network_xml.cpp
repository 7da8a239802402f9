// libFuzzer target: reading a libvirt network definition from any XML.
#include <cstddef>
#include <cstdint>
#include <string>

#include "reconcile/domain_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string xml(reinterpret_cast<const char*>(data), size);
  (void)sriov::reconcile::parseNetworkXml(xml);
  return 0;
}
