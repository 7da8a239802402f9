// Parsing and normalising PCI addresses (domain:bus:slot.function).
#include "schema/pci_address.h"

#include <charconv>
#include <cstdio>

namespace sriov::schema {
namespace {

std::optional<unsigned> parseHex(std::string_view text, size_t maxDigits, unsigned max) {
  if (text.empty() || text.size() > maxDigits) return std::nullopt;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

// libvirt writes address attributes as "0x0b" or "11".
std::optional<unsigned> parseAttribute(std::string_view text, unsigned max) {
  if (text.empty()) return std::nullopt;
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

}  // namespace

std::optional<PciAddress> PciAddress::parse(std::string_view text) {
  PciAddress a;
  size_t dot = text.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto function = parseHex(text.substr(dot + 1), 1, 7);
  std::string_view head = text.substr(0, dot);
  size_t colon2 = head.rfind(':');
  if (!function || colon2 == std::string_view::npos) return std::nullopt;
  auto slot = parseHex(head.substr(colon2 + 1), 2, 0x1f);
  head = head.substr(0, colon2);
  size_t colon1 = head.rfind(':');
  std::optional<unsigned> bus, domain = 0u;
  if (colon1 == std::string_view::npos) {
    bus = parseHex(head, 2, 0xff);
  } else {
    bus = parseHex(head.substr(colon1 + 1), 2, 0xff);
    domain = parseHex(head.substr(0, colon1), 4, 0xffff);
  }
  if (!slot || !bus || !domain) return std::nullopt;
  a.domain = *domain;
  a.bus = *bus;
  a.slot = *slot;
  a.function = *function;
  return a;
}

std::optional<PciAddress> PciAddress::fromAttributes(std::string_view domain, std::string_view bus,
                                                     std::string_view slot,
                                                     std::string_view function) {
  auto d = domain.empty() ? std::optional<unsigned>(0) : parseAttribute(domain, 0xffff);
  auto b = parseAttribute(bus, 0xff);
  auto s = parseAttribute(slot, 0x1f);
  auto f = parseAttribute(function, 7);
  if (!d || !b || !s || !f) return std::nullopt;
  return PciAddress{*d, *b, *s, *f};
}

PciAddress PciAddress::plusRoutingId(unsigned delta) const {
  // Routing ID = bus << 8 | slot << 3 | function (domain stays).
  unsigned rid = (bus << 8) + (slot << 3) + function + delta;
  return PciAddress{domain, (rid >> 8) & 0xff, (rid >> 3) & 0x1f, rid & 7};
}

std::string PciAddress::str() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", domain, bus, slot, function);
  return buf;
}

std::optional<std::string> normalisePci(std::string_view text) {
  auto a = PciAddress::parse(text);
  if (!a) return std::nullopt;
  return a->str();
}

}  // namespace sriov::schema
