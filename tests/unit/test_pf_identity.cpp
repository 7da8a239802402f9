// Tests of a PF's pinned identity (spec device: / subsystem:): the loader's form, the one pure
// comparison, the sysfs reader's subsystem IDs, a swapped card in doctor's fixture tree and in
// plan against a state file.
#include <doctest/doctest.h>

#include <string>

#include "reconcile/host/host_probe.h"
#include "reconcile/host/sysfs_reader.h"
#include "reconcile/planning/doctor_checks.h"
#include "reconcile/planning/pf_identity.h"
#include "reconcile/preflight.h"
#include "schema/loader.h"
#include "schema/pci_id.h"
#include "tests/unit/sysfs_fixture.h"
#include "tests/unit/test_helpers.h"

namespace sriov::reconcile {
namespace {

using testing::SysfsFixture;

schema::Spec pinned(const std::string& keys) {
  schema::LoadResult r = schema::loadSpec(
      "apiVersion: sriov-apply/v1\npfs:\n  - name: eth3\n" + keys + "    numVfs: 2\n", "host.yaml");
  REQUIRE_FALSE(r.diagnostics.hasErrors());
  return r.spec;
}

FoundIdentity igb82576() {
  return {"eth3", "0000:03:00.0", "0x8086", "0x10c9", "0x8086", "0xa03c"};
}

bool has(const std::string& text, const std::string& part) {
  INFO(text);
  return text.find(part) != std::string::npos;
}

TEST_CASE("pci ids: normalised from lspci's and sysfs's forms; anything else is not one") {
  CHECK(schema::normalisePciId("8086:10C9") == std::optional<std::string>("8086:10c9"));
  CHECK(schema::normalisePciId("0x8086:0x10c9") == std::optional<std::string>("8086:10c9"));
  for (const char* bad :
       {"", "8086", "8086:10c", "8086:10c9:0", "808g:10c9", "8086-10c9", " 8086:10c9", "0x:10c9"})
    CHECK_MESSAGE(!schema::normalisePciId(bad), bad);
  CHECK(schema::pciIdFromSysfs("0x8086", "0x10C9") == "8086:10c9");
  CHECK(schema::pciIdFromSysfs("", "0x10c9").empty());
}

TEST_CASE("spec device: and subsystem: load normalised; a malformed one is refused at its line") {
  schema::Spec s = pinned("    device: \"0x8086:0x10C9\"\n    subsystem: 8086:a03c\n");
  CHECK(s.pfs[0].device == std::optional<std::string>("8086:10c9"));
  CHECK(s.pfs[0].subsystem == std::optional<std::string>("8086:a03c"));

  schema::LoadResult bad = schema::loadSpec(
      "apiVersion: sriov-apply/v1\npfs:\n  - name: eth3\n    device: 8086-10c9\n    numVfs: 2\n",
      "host.yaml");
  REQUIRE(bad.diagnostics.hasErrors());
  std::string text;
  for (const schema::Diagnostic& d : bad.diagnostics.sorted()) text += schema::format(d) + "\n";
  CHECK(has(text, "host.yaml:4:13"));
  CHECK(has(text, "\"8086-10c9\" is not a PCI vendor:device ID"));
}

TEST_CASE("identity: nothing pinned or the same card agrees; another card names both") {
  CHECK_FALSE(identityMismatch(pinned("").pfs[0], igb82576()));
  CHECK_FALSE(identityMismatch(pinned("    device: \"8086:10C9\"\n").pfs[0], igb82576()));
  CHECK_FALSE(identityMismatch(pinned("    device: 8086:10c9\n    subsystem: 8086:a03c\n").pfs[0],
                               igb82576()));

  FoundIdentity i350 = igb82576();
  i350.deviceId = "0x1521";
  std::optional<std::string> m = identityMismatch(pinned("    device: 8086:10c9\n").pfs[0], i350);
  REQUIRE(m);
  CHECK(has(*m, "PF eth3 (0000:03:00.0) is device 8086:1521"));
  CHECK(has(*m, "the spec pins device 8086:10c9 (Intel 82576)"));
  CHECK(has(*m, "swapped or moved"));
  CHECK(has(*m, "lspci -nnv -s 0000:03:00.0"));
  CHECK(has(*m, "set device: \"8086:1521\""));

  // The same chip on another board: only the subsystem tells.
  FoundIdentity other = igb82576();
  other.subsystemDeviceId = "0x0000";
  m = identityMismatch(pinned("    device: 8086:10c9\n    subsystem: 8086:a03c\n").pfs[0], other);
  REQUIRE(m);
  CHECK(has(*m, "is subsystem 8086:0000, but the spec pins subsystem 8086:a03c"));

  // A host state that does not say (an old state file): cannot satisfy the pin.
  FoundIdentity unknown = igb82576();
  unknown.subsystemVendorId.clear();
  unknown.subsystemDeviceId.clear();
  m = identityMismatch(pinned("    subsystem: 8086:a03c\n").pfs[0], unknown);
  REQUIRE(m);
  CHECK(has(*m, "has no readable subsystem ID"));
}

// An Intel I350 (8086:1521) where the spec's 82576 was: the swapped card.
void swappedCard(SysfsFixture& sys) {
  sys.link("sys", ".");
  sys.file("proc/cmdline", "BOOT_IMAGE=/vmlinuz ro intel_iommu=on iommu=pt\n");
  sys.file("proc/cpuinfo", "vendor_id\t: GenuineIntel\n");
  sys.file("class/iommu/dmar0/intel-iommu/ecap", "f050da\n");
  sys.dir("kernel/iommu_groups/0/devices");
  sys.dir("bus/pci/drivers/vfio-pci");
  std::string dir = sys.pciDevice("0000:03:00.0", "0x8086", "0x1521", "igb");
  sys.file(dir + "/subsystem_vendor", "0x8086\n");
  sys.file(dir + "/subsystem_device", "0x0001\n");
  sys.netdev("0000:03:00.0", "eth3", "0x1003");
  sys.sriov("0000:03:00.0", 7, 128, 2, {});
}

TEST_CASE("doctor: a swapped card blocks, naming both; the pinned card is ok") {
  SysfsFixture sys;
  swappedCard(sys);
  HostFacts facts = probeHost({sys.root(), {}, "6.1.0-test"});
  schema::Spec spec = pinned("    device: 8086:10c9\n");
  std::vector<DoctorFinding> all = doctorChecks(facts, &spec);
  const DoctorFinding* identity = nullptr;
  for (const DoctorFinding& f : all)
    if (f.check == "identity") identity = &f;
  REQUIRE(identity);
  CHECK(identity->severity == DoctorSeverity::error);
  CHECK(has(identity->seen, "is device 8086:1521, but the spec pins device 8086:10c9"));
  CHECK(blocks(all));

  schema::Spec right = pinned("    device: 8086:1521\n    subsystem: 8086:0001\n");
  all = doctorChecks(facts, &right);
  identity = nullptr;
  for (const DoctorFinding& f : all)
    if (f.check == "identity") identity = &f;
  REQUIRE(identity);
  CHECK(identity->severity == DoctorSeverity::ok);
  CHECK_FALSE(blocks(all));
}

TEST_CASE("plan's preflight: the swapped card read by SysfsReader is refused, nothing else said") {
  SysfsFixture sys;
  swappedCard(sys);
  Result<ObservedState> observed =
      SysfsReader(sys.root(), [] { return Result<std::string>(std::string("h")); }).read();
  REQUIRE(observed.ok());
  REQUIRE(observed->pfs.size() == 1);
  CHECK(observed->pfs[0].subsystemVendorId == "0x8086");
  CHECK(observed->pfs[0].subsystemDeviceId == "0x0001");

  std::vector<Finding> findings =
      preflight(pinned("    device: 8086:10c9\n"), *observed, TakeOver::no);
  int identity = 0;
  for (const Finding& f : findings) {
    if (f.target != "pf/eth3") continue;
    CHECK(f.severity == FindingSeverity::error);
    CHECK(has(f.message, "is device 8086:1521, but the spec pins device 8086:10c9"));
    ++identity;
  }
  CHECK(identity == 1);  // not also the tested-list warning of a card the spec does not mean

  findings = preflight(pinned("    device: 8086:1521\n    subsystem: 8086:0001\n"), *observed,
                       TakeOver::no);
  for (const Finding& f : findings) CHECK_FALSE(has(f.message, "pins"));
}

TEST_CASE("sriov-apply plan --state: a pinned device that is not there is refused with exit 4") {
  std::string tmp = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
  std::string spec = tmp + "/sriov-pin.yaml";
  std::string state = std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml";
  std::string run = std::string("cd ") + SRIOV_SOURCE_DIR + " && NO_COLOR=1 " +
                    test::binaryUnderTest() + " plan --state " + state + " " + spec + " 2>&1";
  // enp4s0f0 in the lab state is an 82599 (8086:10fb).
  test::writeText(spec,
                  "apiVersion: sriov-apply/v1\npfs:\n  - name: enp4s0f0\n"
                  "    device: \"8086:1572\"\n    numVfs: 4\n");
  test::CommandRun r = test::runCommand(run);
  INFO(r.out);
  CHECK(r.code == 4);
  CHECK(has(r.out, "pf/enp4s0f0: PF enp4s0f0 (0000:04:00.0) is device 8086:10fb"));
  CHECK(has(r.out, "but the spec pins device 8086:1572"));

  test::writeText(spec,
                  "apiVersion: sriov-apply/v1\npfs:\n  - name: enp4s0f0\n"
                  "    device: \"8086:10FB\"\n    numVfs: 4\n");
  r = test::runCommand(run);
  CHECK_FALSE(has(r.out, "pins"));
  CHECK(r.code != 4);
}

}  // namespace
}  // namespace sriov::reconcile
