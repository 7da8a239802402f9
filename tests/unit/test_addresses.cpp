// PCI and MAC address parsing, normalisation and VF address arithmetic.
#include <doctest/doctest.h>

#include <vector>

#include "schema/mac_address.h"
#include "schema/names.h"
#include "schema/pci_address.h"

namespace schema = sriov::schema;
using schema::PciAddress;

TEST_CASE("PCI addresses in full and short form, any case") {
  CHECK(schema::normalisePci("0000:0b:10.2") == "0000:0b:10.2");
  CHECK(schema::normalisePci("0b:10.2") == "0000:0b:10.2");
  CHECK(schema::normalisePci("0B:1F.7") == "0000:0b:1f.7");
  CHECK(schema::normalisePci("10000:0b:10.2") == std::nullopt);
  CHECK(schema::normalisePci("0b:20.0") == std::nullopt);  // slot is 5 bits
  CHECK(schema::normalisePci("0b:10.8") == std::nullopt);  // function is 3 bits
  CHECK(schema::normalisePci("0b:10") == std::nullopt);
  CHECK(schema::normalisePci("x:0b:10.0") == std::nullopt);
  CHECK(schema::normalisePci("") == std::nullopt);
}

TEST_CASE("libvirt address attributes in hex and decimal") {
  CHECK(PciAddress::fromAttributes("0x0000", "0x0b", "0x10", "0x2")->str() == "0000:0b:10.2");
  CHECK(PciAddress::fromAttributes("0", "11", "16", "2")->str() == "0000:0b:10.2");
  CHECK(PciAddress::fromAttributes("", "0x0b", "0x10", "0x2")->str() == "0000:0b:10.2");
  CHECK_FALSE(PciAddress::fromAttributes("0", "256", "0", "0"));
  CHECK_FALSE(PciAddress::fromAttributes("0", "0x0b", "0x10", "8"));
  CHECK_FALSE(PciAddress::fromAttributes("0", "0xzz", "0", "0"));
}

TEST_CASE("VF addresses: PF + offset + stride * index, carrying into slot and bus") {
  PciAddress pf = *PciAddress::parse("0000:01:00.0");
  // The emulated 82576 in TESTING.md: offset 128, stride 2 -> 01:10.0, 01:10.2, 01:10.4.
  CHECK(pf.plusRoutingId(128 + 2 * 0).str() == "0000:01:10.0");
  CHECK(pf.plusRoutingId(128 + 2 * 1).str() == "0000:01:10.2");
  CHECK(pf.plusRoutingId(128 + 2 * 6).str() == "0000:01:11.4");
  PciAddress second = *PciAddress::parse("0000:01:00.1");
  CHECK(second.plusRoutingId(128).str() == "0000:01:10.1");
  CHECK(PciAddress::parse("0000:03:ff.7") == std::nullopt);
  CHECK(PciAddress::parse("0000:03:1f.7")->plusRoutingId(1).str() == "0000:04:00.0");
}

TEST_CASE("MAC addresses") {
  CHECK(schema::normaliseMac("52:54:00:6D:90:02") == "52:54:00:6d:90:02");
  CHECK(schema::normaliseMac("52:54:00:6d:90") == std::nullopt);
  CHECK(schema::normaliseMac("52-54-00-6d-90-02") == std::nullopt);
  CHECK(schema::normaliseMac("5:54:00:6d:90:02:") == std::nullopt);
  CHECK(schema::isMulticastMac("01:00:5e:00:00:01"));
  CHECK(schema::isMulticastMac("ff:ff:ff:ff:ff:ff"));
  CHECK_FALSE(schema::isMulticastMac("02:00:00:00:00:01"));
  CHECK(schema::isZeroMac("00:00:00:00:00:00"));
}

TEST_CASE("did you mean") {
  std::vector<std::string_view> keys = {"name", "pci", "numVfs", "persist", "vfs"};
  CHECK(schema::closest("numvfs", keys) == "numVfs");
  CHECK(schema::closest("numVf", keys) == "numVfs");
  CHECK(schema::closest("persits", keys) == "persist");
  CHECK(schema::closest("colour", keys) == std::nullopt);
  CHECK(schema::closest("pcx", keys) == "pci");
  CHECK(schema::closest("abc", keys) == std::nullopt);
  CHECK(schema::editDistance("kitten", "sitting") == 3);
}
