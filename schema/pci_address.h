// PCI addresses in the forms users and libvirt write them, normalised to 0000:0b:10.2.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sriov::schema {

struct PciAddress {
  unsigned domain = 0;    // 0..0xffff
  unsigned bus = 0;       // 0..0xff
  unsigned slot = 0;      // 0..0x1f
  unsigned function = 0;  // 0..7
  friend auto operator<=>(const PciAddress&, const PciAddress&) = default;

  // "0000:0b:10.2" (full) or "0b:10.2" (short, domain 0); hex digits in either case.
  static std::optional<PciAddress> parse(std::string_view text);
  // From libvirt's <address> attributes, each hex ("0x0b") or decimal ("11").
  static std::optional<PciAddress> fromAttributes(std::string_view domain, std::string_view bus,
                                                  std::string_view slot, std::string_view function);
  // The function number "routing ID" arithmetic the kernel uses for VFs (pci_iov_virtfn_bus/
  // devfn): this address plus offset + stride * index, carrying into slot and bus.
  PciAddress plusRoutingId(unsigned delta) const;

  std::string str() const;  // 0000:0b:10.2
};

// The normalised form of text, or nullopt when it is not a PCI address.
std::optional<std::string> normalisePci(std::string_view text);

}  // namespace sriov::schema
