// Tests of `sriov-apply doctor`: a fixture root (sysfs, /proc, /etc, /run) per finding, probed
// by probeHost and judged by doctorChecks.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "reconcile/host/host_probe.h"
#include "schema/loader.h"
#include "tests/unit/json_schema_check.h"
#include "tests/unit/sysfs_fixture.h"
#include "tests/unit/test_helpers.h"

namespace sriov::reconcile {
namespace {

using testing::SysfsFixture;

// A host root: SysfsFixture lays sysfs out at its root, so root/sys points back at it.
struct HostRoot {
  SysfsFixture sys;
  HostRoot() {
    sys.link("sys", ".");
    sys.file("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro\n");
    sys.file("proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\n");
  }
  // An Intel 82576 PF eth3 (up, MAC 52:54:00:12:34:56) with one VF on igbvf.
  void pf(const std::string& vendor = "0x8086", const std::string& device = "0x10c9",
          const std::string& driver = "igb") {
    sys.pciDevice("0000:03:00.0", vendor, device, driver);
    sys.netdev("0000:03:00.0", "eth3", "0x1003");
    sys.file(SysfsFixture::deviceDir("0000:03:00.0") + "/net/eth3/address", "52:54:00:12:34:56\n");
    sys.file(SysfsFixture::deviceDir("0000:03:00.0") + "/numa_node", "0\n");
    sys.sriov("0000:03:00.0", 7, 128, 2, {{"0000:03:10.0", "igbvf", ""}});
  }
  void iommuOn() {
    sys.file("class/iommu/dmar0/intel-iommu/ecap", "f050da\n");
    sys.dir("kernel/iommu_groups/0/devices");
    sys.file("proc/cmdline", "BOOT_IMAGE=/vmlinuz ro intel_iommu=on iommu=pt\n");
  }
  std::vector<DoctorFinding> check(const schema::Spec* spec = nullptr) {
    return doctorChecks(probeHost({sys.root(), {}, "6.1.0-test"}), spec);
  }
};

// The first finding of check at severity (a copy: the list is a temporary).
std::optional<DoctorFinding> find(const std::vector<DoctorFinding>& all, const std::string& check,
                                  DoctorSeverity severity) {
  for (const DoctorFinding& f : all)
    if (f.check == check && f.severity == severity) return f;
  return std::nullopt;
}

bool mentions(const std::optional<DoctorFinding>& f, const std::string& text) {
  return f && (f->seen + " " + f->why + " " + f->fix).find(text) != std::string::npos;
}

TEST_CASE("doctor: the IOMMU off on Intel, with the grubby and the Debian line") {
  HostRoot host;
  host.pf();
  host.sys.file("usr/sbin/grubby", "");
  host.sys.file("etc/default/grub", "GRUB_CMDLINE_LINUX=\"\"\n");
  std::vector<DoctorFinding> all = host.check();
  std::optional<DoctorFinding> f = find(all, "iommu", DoctorSeverity::error);
  REQUIRE(f);
  CHECK(mentions(f, "grubby --args=\"intel_iommu=on iommu=pt\" --update-kernel=ALL"));
  CHECK(mentions(f, "GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub"));
  CHECK(blocks(all));
}

TEST_CASE("doctor: the IOMMU on in the command line but not found: the firmware") {
  HostRoot host;
  host.pf();
  host.sys.file("proc/cmdline", "ro intel_iommu=on iommu=pt\n");
  std::optional<DoctorFinding> f = find(host.check(), "iommu", DoctorSeverity::error);
  REQUIRE(f);
  CHECK(mentions(f, "in the firmware setup"));
}

TEST_CASE("doctor: the IOMMU on (Intel), interrupt remapping from the ecap bit") {
  HostRoot host;
  host.pf();
  host.iommuOn();
  host.sys.dir("bus/pci/drivers/vfio-pci");
  std::vector<DoctorFinding> all = host.check();
  CHECK(mentions(find(all, "iommu", DoctorSeverity::ok), "Intel VT-d on"));
  CHECK(mentions(find(all, "interrupt-remapping", DoctorSeverity::ok), "bit 3"));
  CHECK(find(all, "vfio", DoctorSeverity::ok));
  CHECK_FALSE(blocks(all));

  host.sys.file("class/iommu/dmar0/intel-iommu/ecap", "f050d2\n");  // bit 3 clear
  CHECK(mentions(find(host.check(), "interrupt-remapping", DoctorSeverity::warning),
                 "allow_unsafe_interrupts"));
}

TEST_CASE("doctor: AMD-Vi on, and off: the firmware, and iommu=pt to add") {
  HostRoot host;
  host.pf();
  host.sys.file("proc/cpuinfo", "vendor_id\t: AuthenticAMD\n");
  host.sys.file("usr/sbin/grubby", "");
  std::optional<DoctorFinding> off = find(host.check(), "iommu", DoctorSeverity::error);
  REQUIRE(off);
  CHECK(mentions(off, "AMD-Vi (or 'IOMMU', 'VT-d', 'SVM/IOMMU') in the firmware setup"));
  CHECK(mentions(off, "grubby --args=\"iommu=pt\""));
  CHECK_FALSE(mentions(off, "intel_iommu"));

  host.sys.dir("class/iommu/ivhd0");
  std::vector<DoctorFinding> all = host.check();
  CHECK(mentions(find(all, "iommu", DoctorSeverity::ok), "AMD-Vi on"));
  CHECK(mentions(find(all, "interrupt-remapping", DoctorSeverity::info), "AMD-Vi"));
}

// Found by e2e 19-doctor: QEMU's emulated VT-d (dmar0) under TCG, whose CPU says AuthenticAMD,
// was reported as "AMD-Vi on". The unit the kernel found decides; the CPU only when there is none.
TEST_CASE("doctor: a VT-d unit on an AMD CPU is Intel VT-d, with its interrupt remapping") {
  HostRoot host;
  host.pf();
  host.iommuOn();
  host.sys.file("proc/cpuinfo", "vendor_id\t: AuthenticAMD\n");
  std::vector<DoctorFinding> all = host.check();
  CHECK(
      mentions(find(all, "iommu", DoctorSeverity::ok), "Intel VT-d on (/sys/class/iommu: dmar0)"));
  CHECK(
      mentions(find(all, "interrupt-remapping", DoctorSeverity::ok), "bit 3 of intel-iommu/ecap"));
  CHECK_FALSE(mentions(find(all, "iommu", DoctorSeverity::ok), "AMD-Vi"));
}

TEST_CASE("doctor: a PF's driver, VF counts, NUMA node and tested name; vfio-pci absent") {
  HostRoot host;
  host.pf();
  host.iommuOn();
  std::vector<DoctorFinding> all = host.check();
  CHECK(mentions(find(all, "pf", DoctorSeverity::ok),
                 "0000:03:00.0 0x8086:0x10c9 (Intel 82576), driver igb, 1/7 VFs, NUMA node 0"));
  CHECK(mentions(find(all, "vfio", DoctorSeverity::error), "modprobe vfio-pci"));

  host.sys.file("lib/modules/6.1.0-test/modules.dep",
                "kernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/vfio.ko\n");
  CHECK(mentions(find(host.check(), "vfio", DoctorSeverity::info), "modules.dep"));
}

TEST_CASE("doctor: the PF driver's VF driver, not loaded: installed or not") {
  HostRoot host;
  host.iommuOn();
  host.sys.pciDevice("0000:03:00.0", "0x8086", "0x10fb", "ixgbe");
  host.sys.sriov("0000:03:00.0", 63, 128, 2, {{"0000:03:10.0", "", ""}});
  CHECK(mentions(find(host.check(), "vf-driver", DoctorSeverity::warning),
                 "VF driver ixgbevf of ixgbe neither loaded nor installed"));
  host.sys.file("lib/modules/6.1.0-test/modules.dep",
                "kernel/drivers/net/ethernet/intel/ixgbevf/ixgbevf.ko.xz:\n");
  CHECK(mentions(find(host.check(), "vf-driver", DoctorSeverity::info), "modprobe ixgbevf"));
  host.sys.dir("module/ixgbevf");
  std::vector<DoctorFinding> all = host.check();
  CHECK(std::none_of(all.begin(), all.end(),
                     [](const DoctorFinding& f) { return f.check == "vf-driver"; }));
}

TEST_CASE("doctor: no SR-IOV device at all blocks") {
  HostRoot host;
  host.iommuOn();
  CHECK(mentions(find(host.check(), "pf", DoctorSeverity::error), "no SR-IOV capable device"));
}

TEST_CASE("doctor: BCM57810 persistence, and a down PF on bnx2x") {
  HostRoot host;
  host.pf("0x14e4", "0x168e", "bnx2x");
  host.sys.file(SysfsFixture::deviceDir("0000:03:00.0") + "/net/eth3/flags", "0x1002\n");
  std::vector<DoctorFinding> all = host.check();
  CHECK(mentions(find(all, "quirk", DoctorSeverity::warning), "BCM57810"));
  CHECK(std::count_if(all.begin(), all.end(), [](const DoctorFinding& f) {
          return f.check == "quirk" && f.fix.find("ip link set eth3 up") != std::string::npos;
        }) == 1);
}

TEST_CASE("doctor: a VF sharing its IOMMU group with another device") {
  HostRoot host;
  host.pf();
  host.iommuOn();
  host.sys.iommuGroup("0000:03:10.0", 7);
  host.sys.link("kernel/iommu_groups/7/devices/0000:03:10.0", "../../../../bus/pci/devices/x");
  host.sys.link("kernel/iommu_groups/7/devices/0000:00:1c.0", "../../../../bus/pci/devices/y");
  std::optional<DoctorFinding> f = find(host.check(), "groups", DoctorSeverity::warning);
  REQUIRE(f);
  CHECK(mentions(f, "VF 0000:03:10.0 shares IOMMU group 7 with 0000:00:1c.0"));
}

TEST_CASE("doctor: SELinux enforcing without virt_use_sysfs") {
  HostRoot host;
  host.pf();
  host.iommuOn();
  host.sys.file("fs/selinux/enforce", "1");
  host.sys.file("fs/selinux/booleans/virt_use_sysfs", "0 0");
  CHECK(mentions(find(host.check(), "selinux", DoctorSeverity::error),
                 "setsebool -P virt_use_sysfs 1"));
  host.sys.file("fs/selinux/booleans/virt_use_sysfs", "1 1");
  CHECK(find(host.check(), "selinux", DoctorSeverity::ok));
}

// The competing-manager error that mentions text, if any.
std::optional<DoctorFinding> manager(HostRoot& host, const std::string& text) {
  for (const DoctorFinding& f : host.check())
    if (f.check == "managers" && f.severity == DoctorSeverity::error &&
        mentions(std::optional<DoctorFinding>(f), text))
      return f;
  return std::nullopt;
}

TEST_CASE("doctor: a NetworkManager keyfile with [sriov] on the PF, preserve-on-down or not") {
  HostRoot host;
  host.pf();
  host.sys.dir("run/NetworkManager");
  host.sys.file("etc/NetworkManager/system-connections/eth3.nmconnection",
                "[connection]\nid=eth3\ntype=ethernet\ninterface-name=eth3\n\n[ethernet]\n\n"
                "[sriov]\ntotal-vfs=4\n");
  std::optional<DoctorFinding> f = manager(host, "total-vfs=4");
  REQUIRE(f);
  CHECK(f->target == "pf/eth3");
  CHECK(mentions(f, "resets it to 0 when it goes down"));
  CHECK(mentions(f, "NetworkManager running"));

  host.sys.file(
      "etc/NetworkManager/system-connections/eth3.nmconnection",
      "[connection]\nid=eth3\ntype=ethernet\n\n[ethernet]\nmac-address=52:54:00:12:34:56\n"
      "\n[sriov]\ntotal-vfs=4\npreserve-on-down=1\n");
  f = manager(host, "preserve-on-down=yes");
  REQUIRE(f);
  CHECK_FALSE(mentions(f, "resets it to 0"));

  host.sys.file("etc/NetworkManager/system-connections/eth3.nmconnection",
                "[connection]\nid=eth3\ninterface-name=eth9\n\n[sriov]\ntotal-vfs=4\n");
  CHECK_FALSE(manager(host, "total-vfs"));
}

TEST_CASE("doctor: a netplan file with virtual-function-count, and a VF's link: PF") {
  HostRoot host;
  host.pf();
  host.sys.file(
      "etc/netplan/50-sriov.yaml",
      "network:\n  version: 2\n  ethernets:\n    eno1:\n      match:\n        name: eth3\n"
      "      virtual-function-count: 4\n");
  CHECK(manager(host, "/etc/netplan/50-sriov.yaml sets 4 VFs"));
  host.sys.file("etc/netplan/50-sriov.yaml",
                "network:\n  ethernets:\n    eth3: {}\n    vf0:\n      link: eth3\n");
  CHECK(manager(host, "/etc/netplan/50-sriov.yaml sets the VF count"));
}

TEST_CASE("doctor: a systemd-networkd .link with SR-IOVVirtualFunctions= matching the PF") {
  HostRoot host;
  host.pf();
  host.sys.file("etc/systemd/network/10-eth3.link",
                "[Match]\nPath=pci-0000:03:00.0\n\n[Link]\nSR-IOVVirtualFunctions=4\n");
  CHECK(manager(host, "/etc/systemd/network/10-eth3.link sets 4 VFs"));
  host.sys.file("etc/systemd/network/10-eth3.link",
                "[Match]\nOriginalName=eth9\n\n[Link]\nSR-IOVVirtualFunctions=4\n");
  CHECK_FALSE(manager(host, "10-eth3.link"));
}

TEST_CASE("doctor: os-net-config's sriov_pf and its sriov_config service") {
  HostRoot host;
  host.pf();
  host.sys.file("etc/os-net-config/config.json",
                "{\"network_config\": [{\"type\": \"sriov_pf\", \"name\": \"eth3\", "
                "\"numvfs\": 4}]}");
  host.sys.file("usr/lib/systemd/system/sriov_config.service", "[Service]\n");
  CHECK(manager(host, "/etc/os-net-config/config.json sets 4 VFs"));
  std::vector<DoctorFinding> all = host.check();
  CHECK(mentions(find(all, "managers", DoctorSeverity::warning), "systemctl disable sriov_config"));
}

TEST_CASE("doctor: another udev rule writing sriov_numvfs; sriov-apply's own is not one") {
  HostRoot host;
  host.pf();
  host.sys.file("etc/udev/rules.d/70-sriov-apply.rules",
                "ACTION==\"add\", KERNEL==\"eth3\", ATTR{sriov_numvfs}=\"1\"\n");
  CHECK_FALSE(manager(host, "sriov_numvfs"));
  CHECK_FALSE(manager(host, "sets"));
  host.sys.file(
      "etc/udev/rules.d/80-vfs.rules",
      "ACTION==\"add\", SUBSYSTEM==\"net\", KERNEL==\"eth3\", ATTR{sriov_numvfs}=\"4\"\n");
  CHECK(manager(host, "/etc/udev/rules.d/80-vfs.rules sets 4 VFs"));
  CHECK(mentions(find(host.check(), "boot", DoctorSeverity::info), "70-sriov-apply.rules"));
}

TEST_CASE("doctor: with a spec, only its PFs; a PF it names that is absent blocks") {
  HostRoot host;
  host.pf();
  host.iommuOn();
  host.sys.dir("bus/pci/drivers/vfio-pci");
  schema::LoadResult spec = schema::loadSpec(
      "apiVersion: sriov-apply/v1\npfs:\n  - name: eth7\n    numVfs: 2\n", "host.yaml");
  REQUIRE_FALSE(spec.diagnostics.hasErrors());
  std::vector<DoctorFinding> all = host.check(&spec.spec);
  CHECK(mentions(find(all, "pf", DoctorSeverity::error), "no SR-IOV PF eth7"));
  CHECK_FALSE(mentions(find(all, "pf", DoctorSeverity::ok), "eth3"));
}

// The binary on a fixture root: exit 4 and the fix with the IOMMU off, 0 and "ready" with it on;
// the JSON document conforms to schema/doctor.schema.json.
TEST_CASE("sriov-apply doctor --root: exit codes, text and JSON") {
  HostRoot host;
  host.pf();
  host.sys.file("etc/default/grub", "GRUB_CMDLINE_LINUX=\"\"\n");
  std::string bin = sriov::test::binaryUnderTest() + " doctor --root " + host.sys.root();
  sriov::test::CommandRun off = sriov::test::runCommand(bin + " 2>/dev/null");
  CHECK(off.code == 4);
  CHECK(off.out.find("error: iommu host:") != std::string::npos);
  CHECK(off.out.find("intel_iommu=on iommu=pt") != std::string::npos);
  CHECK(off.out.find("not ready") != std::string::npos);

  host.iommuOn();
  host.sys.dir("bus/pci/drivers/vfio-pci");
  sriov::test::CommandRun on = sriov::test::runCommand(bin + " 2>/dev/null");
  CHECK(on.code == 0);
  CHECK(on.out.find("\nready\n") != std::string::npos);

  sriov::test::CommandRun json = sriov::test::runCommand(bin + " --output json 2>/dev/null");
  CHECK(json.code == 0);
  nlohmann::json doc = nlohmann::json::parse(json.out);
  nlohmann::json schema = nlohmann::json::parse(
      sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/schema/doctor.schema.json"));
  std::vector<std::string> violations = sriov::test::schemaViolations(schema, doc);
  for (const std::string& v : violations) INFO(v);
  CHECK(violations.empty());
  CHECK(doc["ready"] == true);
  doc["findings"][0]["severity"] = "fatal";
  CHECK(!sriov::test::schemaViolations(schema, doc).empty());
}

}  // namespace
}  // namespace sriov::reconcile
