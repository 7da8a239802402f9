// Counts a live domain's free hot-pluggable PCI slots from its <devices> with pugixml.
#include "reconcile/hotplug_slots.h"

#include <pugixml.hpp>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "reconcile/domain_xml.h"
#include "reconcile/xml_document.h"

namespace sriov::reconcile {
namespace {

constexpr unsigned kLastSlot = 31;

// A bus that takes hot-plugged devices: a PCIe port's (its one slot, 0) or a conventional PCI
// bus's (slots firstSlot to 31).
struct HotplugBus {
  unsigned bus = 0;
  bool port = false;
  unsigned firstSlot = 0;
};

bool hotplugOff(const pugi::xml_node& controller) {
  return std::string_view(controller.child("target").attribute("hotplug").as_string()) == "off";
}

}  // namespace

std::optional<unsigned> freeHotplugSlots(const std::string& domainXml) {
  pugi::xml_document doc;
  if (!loadXml(doc, domainXml, "domain")) return std::nullopt;
  return freeHotplugSlots(doc);
}

std::optional<unsigned> freeHotplugSlots(const pugi::xml_document& doc) {
  std::set<std::pair<unsigned, unsigned>> occupied;  // (bus, slot)
  std::vector<HotplugBus> buses;
  bool root = false;  // a pcie-root or pci-root: a machine whose topology this knows
  for (pugi::xml_node device : doc.child("domain").child("devices").children()) {
    for (pugi::xml_node address : device.children("address")) {
      if (std::string_view(address.attribute("type").as_string()) != "pci") continue;
      std::optional<unsigned> bus = pciAddressPart(address, "bus"),
                              slot = pciAddressPart(address, "slot");
      if (!bus || !slot) return std::nullopt;
      occupied.insert({*bus, *slot});
    }
    if (std::string_view(device.name()) != "controller" ||
        std::string_view(device.attribute("type").as_string()) != "pci")
      continue;
    std::string_view model = device.attribute("model").as_string();
    std::optional<unsigned> index = parseLibvirtUnsigned(device.attribute("index").as_string());
    if (!index) return std::nullopt;
    if (model == "pcie-root" || model == "pci-root") root = true;
    if (hotplugOff(device)) continue;
    if (model == "pci-root") buses.push_back({*index, false, 2});
    if (model == "pcie-root-port" || model == "pcie-switch-downstream-port")
      buses.push_back({*index, true, 0});
    if (model == "pci-bridge" || model == "pcie-to-pci-bridge") buses.push_back({*index, false, 1});
  }
  if (!root) return std::nullopt;
  unsigned free = 0;
  for (const HotplugBus& b : buses) {
    if (b.port) {
      // One slot; a device anywhere on the port's bus (an ARI or multifunction one) takes it.
      auto on = occupied.lower_bound({b.bus, 0});
      if (on == occupied.end() || on->first != b.bus) ++free;
      continue;
    }
    for (unsigned slot = b.firstSlot; slot <= kLastSlot; ++slot)
      if (!occupied.count({b.bus, slot})) ++free;
  }
  return free;
}

}  // namespace sriov::reconcile
