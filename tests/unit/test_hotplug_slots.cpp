// Tests for counting a running guest's free hot-pluggable PCI slots from its live XML
// (reconcile/hotplug_slots.h), on the XML shapes libvirt 9 writes for q35 and i440fx guests.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "reconcile/hotplug_slots.h"

using sriov::reconcile::freeHotplugSlots;

namespace {

// A live q35 domain as libvirt writes it: the disk on bus 4, the USB controller on bus 2, the
// memballoon on bus 5, pcie-root and seven root ports (buses 1-7) on bus 0, then `more`.
std::string q35(const std::string& more) {
  std::string ports;
  for (int i = 1; i <= 7; ++i) {
    ports += "    <controller type='pci' index='" + std::to_string(i) +
             "' model='pcie-root-port'>\n      <model name='pcie-root-port'/>\n"
             "      <target chassis='" +
             std::to_string(i) + "' port='0x" + std::to_string(9 + i) +
             "'/>\n      <alias name='pci." + std::to_string(i) +
             "'/>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' "
             "function='0x" +
             std::to_string(i - 1) + "'" + (i == 1 ? " multifunction='on'" : "") +
             "/>\n    </controller>\n";
  }
  return "<domain type='kvm' id='3'>\n  <name>web1</name>\n  <os>\n"
         "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n  </os>\n  <devices>\n"
         "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
         "    <disk type='file' device='disk'>\n"
         "      <source file='/var/lib/libvirt/images/web1.qcow2' index='1'/>\n"
         "      <target dev='vda' bus='virtio'/>\n      <alias name='virtio-disk0'/>\n"
         "      <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>\n"
         "    </disk>\n"
         "    <controller type='usb' index='0' model='qemu-xhci' ports='15'>\n"
         "      <alias name='usb'/>\n"
         "      <address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>\n"
         "    </controller>\n"
         "    <controller type='pci' index='0' model='pcie-root'>\n"
         "      <alias name='pcie.0'/>\n    </controller>\n" +
         ports +
         "    <controller type='sata' index='0'>\n      <alias name='ide'/>\n"
         "      <address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>\n"
         "    </controller>\n" +
         more +
         "    <memballoon model='virtio'>\n      <alias name='balloon0'/>\n"
         "      <address type='pci' domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>\n"
         "    </memballoon>\n  </devices>\n</domain>\n";
}

// A hostdev interface on host VF 0000:07:10.N (a host bus that is a free root port's number in
// the guest: it must not count), at guest bus `bus` slot 0.
std::string vfOnBus(const std::string& bus, int n = 0) {
  return "    <interface type='hostdev' managed='yes'>\n"
         "      <mac address='52:54:00:a1:00:0" +
         std::to_string(n + 1) +
         "'/>\n      <driver name='vfio'/>\n      <source>\n"
         "        <address type='pci' domain='0x0000' bus='0x07' slot='0x10' function='0x" +
         std::to_string(n) + "'/>\n      </source>\n      <alias name='ua-sriov-net" +
         std::to_string(n) + "'/>\n      <address type='pci' domain='0x0000' bus='" + bus +
         "' slot='0x00' function='0x0'/>\n    </interface>\n";
}

// A live i440fx domain: the IDE/USB functions of the PIIX3 in slot 1, video in slot 2, the
// disk in slot 4 (hex) and the memballoon in slot 5 written in decimal, then `more`.
std::string i440fx(const std::string& rootTarget, const std::string& more) {
  return "<domain type='kvm' id='7'>\n  <name>old1</name>\n  <os>\n"
         "    <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>\n  </os>\n  <devices>\n"
         "    <disk type='file' device='disk'>\n      <target dev='vda' bus='virtio'/>\n"
         "      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>\n"
         "    </disk>\n"
         "    <controller type='usb' index='0' model='piix3-uhci'>\n"
         "      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>\n"
         "    </controller>\n"
         "    <controller type='pci' index='0' model='pci-root'>" +
         rootTarget +
         "</controller>\n"
         "    <controller type='ide' index='0'>\n"
         "      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x1'/>\n"
         "    </controller>\n" +
         more +
         "    <video>\n      <model type='cirrus' vram='16384' heads='1' primary='yes'/>\n"
         "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
         "    </video>\n"
         "    <memballoon model='virtio'>\n"
         "      <address type='pci' domain='0' bus='0' slot='5' function='0'/>\n"
         "    </memballoon>\n  </devices>\n</domain>\n";
}

}  // namespace

TEST_CASE("q35: each root port with nothing on its bus is one free slot") {
  // Buses 2 (USB), 4 (disk) and 5 (balloon) are taken: 1, 3, 6 and 7 are free.
  CHECK(freeHotplugSlots(q35("")) == 4u);
  // A VF on bus 1 and one on bus 3 (decimal '3'): two left.
  CHECK(freeHotplugSlots(q35(vfOnBus("0x01") + vfOnBus("3", 1))) == 2u);
  // The VF's host address (<source><address bus='0x07'>) is not a guest slot: bus 6 is.
  CHECK(freeHotplugSlots(q35(vfOnBus("0x06"))) == 3u);
}

TEST_CASE("q35: full root ports leave no slot") {
  std::string all = vfOnBus("0x01") + vfOnBus("0x03", 1) + vfOnBus("0x06", 2) + vfOnBus("0x07", 3);
  CHECK(freeHotplugSlots(q35(all)) == 0u);
  // A second function on a taken port's bus takes nothing more; the port was taken already.
  std::string function1 =
      "    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n"
      "        <address domain='0x0000' bus='0x04' slot='0x10' function='0x6'/>\n"
      "      </source>\n"
      "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x1'/>\n"
      "    </hostdev>\n";
  CHECK(freeHotplugSlots(q35(vfOnBus("0x01") + function1)) == 3u);
}

TEST_CASE("q35: a root port with hotplug off offers no slot") {
  std::string off =
      "    <controller type='pci' index='8' model='pcie-root-port'>\n"
      "      <model name='pcie-root-port'/>\n"
      "      <target chassis='8' port='0x17' hotplug='off'/>\n"
      "      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>\n"
      "    </controller>\n";
  CHECK(freeHotplugSlots(q35(off)) == 4u);
  std::string on = off;
  on.replace(on.find(" hotplug='off'"), 14, "");
  CHECK(freeHotplugSlots(q35(on)) == 5u);
}

TEST_CASE("q35: switch downstream ports count, the upstream port takes its root port's bus") {
  // An upstream port on bus 6 (taking it), two downstream ports (buses 8, 9) below it.
  std::string sw =
      "    <controller type='pci' index='8' model='pcie-switch-upstream-port'>\n"
      "      <address type='pci' domain='0x0000' bus='0x06' slot='0x00' function='0x0'/>\n"
      "    </controller>\n"
      "    <controller type='pci' index='9' model='pcie-switch-downstream-port'>\n"
      "      <address type='pci' domain='0x0000' bus='0x08' slot='0x00' function='0x0'/>\n"
      "    </controller>\n"
      "    <controller type='pci' index='10' model='pcie-switch-downstream-port'>\n"
      "      <address type='pci' domain='0x0000' bus='0x08' slot='0x01' function='0x0'/>\n"
      "    </controller>\n";
  // 1, 3, 7 of the root ports, 9 and 10 of the switch.
  CHECK(freeHotplugSlots(q35(sw)) == 5u);
}

TEST_CASE("a pci-bridge offers slots 1-31 of its bus") {
  std::string bridge =
      "    <controller type='pci' index='8' model='pci-bridge'>\n"
      "      <model name='pci-bridge'/>\n      <target chassisNr='8'/>\n"
      "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
      "    </controller>\n"
      "    <interface type='hostdev' managed='yes'>\n      <source>\n"
      "        <address type='pci' domain='0x0000' bus='0x04' slot='0x10' function='0x0'/>\n"
      "      </source>\n"
      "      <address type='pci' domain='0x0000' bus='0x08' slot='0x0b' function='0x0'/>\n"
      "    </interface>\n";
  // The bridge takes root port 1 (3, 6, 7 left); 30 of its 31 slots are free (0x0b is taken).
  CHECK(freeHotplugSlots(q35(bridge)) == 3u + 30u);
}

TEST_CASE("i440fx: bus 0 slots 2-31 not taken, plus pci-bridges") {
  // Slot 1 (PIIX3), 2 (video), 4 (disk) and 5 (balloon, decimal) taken: 3, 6-31 free.
  CHECK(freeHotplugSlots(i440fx("", "")) == 27u);
  std::string vfs =
      "    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n"
      "        <address domain='0x0000' bus='0x04' slot='0x10' function='0x2'/>\n"
      "      </source>\n"
      "      <address type='pci' domain='0x0000' bus='0x00' slot='0x0b' function='0x0'/>\n"
      "    </hostdev>\n"
      "    <interface type='hostdev' managed='yes'>\n      <source>\n"
      "        <address type='pci' domain='0x0000' bus='0x04' slot='0x10' function='0x3'/>\n"
      "      </source>\n"
      "      <address type='pci' domain='0x0000' bus='0' slot='12' function='0'/>\n"
      "    </interface>\n";
  CHECK(freeHotplugSlots(i440fx("", vfs)) == 25u);  // slots 0x0b and 12
  std::string bridge =
      "    <controller type='pci' index='1' model='pci-bridge'>\n"
      "      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>\n"
      "    </controller>\n";
  CHECK(freeHotplugSlots(i440fx("", bridge)) == 26u + 31u);
  // Hot-plug off on the root bus (QEMU 5.2+): only the bridge is left.
  CHECK(freeHotplugSlots(i440fx("<target hotplug='off'/>", bridge)) == 31u);
}

TEST_CASE("unknown: no PCI root, an unreadable address, XML that does not parse") {
  CHECK(freeHotplugSlots("<domain><devices><emulator>x</emulator></devices></domain>") ==
        std::nullopt);
  std::string lab =  // examples/lab.state.yaml's guests: no controllers in their XML
      "<domain type='kvm' id='1'>\n  <name>web1</name>\n  <devices>\n" + vfOnBus("0x01") +
      "  </devices>\n</domain>\n";
  CHECK(freeHotplugSlots(lab) == std::nullopt);
  CHECK(freeHotplugSlots(q35(vfOnBus("0xzz"))) == std::nullopt);
  CHECK(freeHotplugSlots("<domain><devices>") == std::nullopt);
}
