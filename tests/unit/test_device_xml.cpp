// networkXml: a new pool from the spec, and a redefined one edited into the XML it replaces.
#include <doctest/doctest.h>

#include <string>

#include "reconcile/device_xml.h"
#include "reconcile/domain_xml.h"

namespace sriov::reconcile {
namespace {

bool has(const std::string& xml, const std::string& part) {
  return xml.find(part) != std::string::npos;
}

size_t count(const std::string& xml, const std::string& part) {
  size_t n = 0;
  for (size_t at = xml.find(part); at != std::string::npos; at = xml.find(part, at + 1)) ++n;
  return n;
}

NetworkDefinition poolOnEth3() {
  NetworkDefinition def;
  def.name = "pool";
  def.pfDev = "eth3";
  def.vlan = 7;
  return def;
}

// A pool sriov-apply defined, then edited by hand (virsh net-edit).
const char* const kHandEdited =
    "<network><name>pool</name><uuid>6c6b3b8e-1d1e-4f33-9a3f-3b0f8d2d9a10</uuid>"
    "<metadata><app:note xmlns:app='http://example.org/app'>kept</app:note>"
    "<sriov-apply:owner xmlns:sriov-apply='http://sriov-apply.org/xmlns/v1'/></metadata>"
    "<forward mode='hostdev' managed='yes'><driver name='vfio'/><pf dev='eth2'/></forward>"
    "<vlan><tag id='42'/></vlan>"
    "<portgroup name='storage' default='yes'><vlan><tag id='100'/></vlan></portgroup>"
    "<mtu size='9000'/></network>";

}  // namespace

TEST_CASE("networkXml: a new pool has the spec's parts and sriov-apply's mark") {
  std::string xml = networkXml(poolOnEth3());
  CAPTURE(xml);
  Result<ObservedNetwork> parsed = parseNetworkXml(xml);
  REQUIRE_MESSAGE(parsed.ok(), parsed.error().message);
  CHECK(parsed->name == "pool");
  CHECK(parsed->owned);
  CHECK(parsed->forwardMode == "hostdev");
  CHECK(parsed->managed);
  CHECK(parsed->pfDev == "eth3");
  CHECK(parsed->vlan == 7u);
  CHECK_FALSE(has(xml, "<uuid>"));
}

TEST_CASE("networkXml: a redefined pool keeps what the spec does not model") {
  NetworkDefinition def = poolOnEth3();
  def.replaces = kHandEdited;
  std::string xml = networkXml(def);
  CAPTURE(xml);
  Result<ObservedNetwork> parsed = parseNetworkXml(xml);
  REQUIRE_MESSAGE(parsed.ok(), parsed.error().message);
  CHECK(parsed->pfDev == "eth3");
  CHECK(parsed->vlan == 7u);
  CHECK(parsed->owned);
  CHECK(count(xml, "sriov-apply:owner") == 1);
  CHECK(has(xml, "<uuid>6c6b3b8e-1d1e-4f33-9a3f-3b0f8d2d9a10</uuid>"));
  CHECK(has(xml, "<portgroup name=\"storage\" default=\"yes\">"));
  CHECK(has(xml, "<tag id=\"100\""));
  CHECK(has(xml, "<driver name=\"vfio\""));
  CHECK(has(xml, "<mtu size=\"9000\""));
  CHECK(has(xml, ">kept</app:note>"));
  CHECK_FALSE(has(xml, "eth2"));
  CHECK_FALSE(has(xml, "<tag id=\"42\""));

  SUBCASE("a VF list replaces <pf dev>, managed turns off, no vlan removes it") {
    def.pfDev.clear();
    def.vfs = {"0000:03:10.2", "0000:03:10.4"};
    def.managed = false;
    def.vlan.reset();
    xml = networkXml(def);
    CAPTURE(xml);
    parsed = parseNetworkXml(xml);
    REQUIRE_MESSAGE(parsed.ok(), parsed.error().message);
    CHECK(parsed->pfDev.empty());
    CHECK(parsed->vfs == std::vector<std::string>{"0000:03:10.2", "0000:03:10.4"});
    CHECK_FALSE(parsed->managed);
    CHECK_FALSE(parsed->vlan);
    CHECK(count(xml, "<vlan") == 1);  // the portgroup's
    CHECK(has(xml, "<driver name=\"vfio\""));
  }
}

TEST_CASE("networkXml: a network of another mode taken over is written new, with its uuid") {
  NetworkDefinition def = poolOnEth3();
  def.replaces =
      "<network><name>pool</name><uuid>0a5c1f6e-9d2b-4c1a-8e7f-2b3c4d5e6f70</uuid>"
      "<forward mode='bridge'/><bridge name='br0'/><ip address='192.0.2.1'/></network>";
  std::string xml = networkXml(def);
  CAPTURE(xml);
  CHECK(has(xml, "<uuid>0a5c1f6e-9d2b-4c1a-8e7f-2b3c4d5e6f70</uuid>"));
  CHECK_FALSE(has(xml, "<bridge"));
  CHECK_FALSE(has(xml, "<ip"));
  Result<ObservedNetwork> parsed = parseNetworkXml(xml);
  REQUIRE_MESSAGE(parsed.ok(), parsed.error().message);
  CHECK(parsed->forwardMode == "hostdev");
  CHECK(parsed->owned);
}

TEST_CASE("networkXml: replaced XML that does not parse is not used") {
  NetworkDefinition def = poolOnEth3();
  def.replaces = "<network><name>pool</name><portgroup";
  std::string xml = networkXml(def);
  CAPTURE(xml);
  Result<ObservedNetwork> parsed = parseNetworkXml(xml);
  REQUIRE_MESSAGE(parsed.ok(), parsed.error().message);
  CHECK(parsed->pfDev == "eth3");
  CHECK_FALSE(has(xml, "portgroup"));
}

}  // namespace sriov::reconcile
