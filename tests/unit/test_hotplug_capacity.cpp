// Tests for the hot-plug capacity refusal (reconcile/planning/hotplug_capacity.h): a plan that
// attaches more devices live to a running guest than it has free PCI slots is refused (exit 4),
// on copies of examples/lab.state.yaml whose running guest web1 has root ports in its live XML.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "reconcile/planner.h"
#include "reconcile/state_file.h"
#include "schema/loader.h"
#include "tests/unit/test_helpers.h"

namespace rc = sriov::reconcile;

namespace {

std::string labText() {
  return sriov::test::readText(std::string(SRIOV_SOURCE_DIR) + "/examples/lab.state.yaml");
}

// The lab host with pcie-root and root ports of these buses in web1's live XML. web1's disk is
// on bus 4 and its one VF on bus 1, so ports of buses 1 and 4 are taken, any other is free.
std::string labWithPorts(std::initializer_list<int> buses) {
  std::string lab = labText();
  std::string controllers = "          <controller type='pci' index='0' model='pcie-root'/>\n";
  for (int bus : buses) {
    controllers += "          <controller type='pci' index='" + std::to_string(bus) +
                   "' model='pcie-root-port'>\n"
                   "            <address type='pci' domain='0x0000' bus='0x00' slot='0x02' "
                   "function='0x" +
                   std::to_string(bus - 1) + "'/>\n          </controller>\n";
  }
  size_t web1 = lab.find("  - name: web1\n    state: running\n");
  REQUIRE(web1 != std::string::npos);
  std::string emulator = "          <emulator>/usr/bin/qemu-system-x86_64</emulator>\n";
  size_t at = lab.find(emulator, web1);  // the first XML of web1: its live one
  REQUIRE(at != std::string::npos);
  REQUIRE(at < lab.find("    inactiveXml: |", web1));
  lab.insert(at + emulator.size(), controllers);
  return lab;
}

rc::ObservedState load(const std::string& stateText) {
  sriov::Result<rc::ObservedState> state = rc::parseStateYaml(stateText, "lab.state.yaml");
  REQUIRE(state.ok());
  return *state;
}

rc::Plan planFor(const std::string& stateText, const std::string& specText) {
  sriov::schema::LoadResult spec = sriov::schema::loadSpec(specText, "host.yaml");
  REQUIRE_FALSE(spec.diagnostics.hasErrors());
  return rc::plan(spec.spec, load(stateText), rc::PlanOptions{});
}

std::vector<rc::Finding> errorsOn(const rc::Plan& p, const std::string& target) {
  std::vector<rc::Finding> out;
  for (const rc::Finding& f : p.preflight)
    if (f.severity == rc::FindingSeverity::error && f.target == target) out.push_back(f);
  return out;
}

// web1 keeps its VF (enp4s0f0 VF 0) and gets a second one, VF 1, attached live.
const char* kSecondVf =
    "apiVersion: sriov-apply/v1\n"
    "pfs:\n  - name: enp4s0f0\n    numVfs: 4\n"
    "guests:\n  - name: web1\n    interfaces:\n"
    "      - vf: {pf: enp4s0f0, index: 0}\n        mac: \"52:54:00:a1:00:01\"\n"
    "        vlan: 100\n"
    "      - vf: {pf: enp4s0f0, index: 1}\n        mac: \"52:54:00:a1:00:02\"\n";

// The VF count of enp4s0f0 changes: web1's VF is detached live, then attached again.
const char* kCountChange =
    "apiVersion: sriov-apply/v1\n"
    "pfs:\n  - name: enp4s0f0\n    numVfs: 6\n"
    "guests:\n  - name: web1\n    onDisruption: hotplug\n    interfaces:\n"
    "      - vf: {pf: enp4s0f0, index: 0}\n        mac: \"52:54:00:a1:00:01\"\n"
    "        vlan: 100\n";

}  // namespace

TEST_CASE("the state file derives web1's free slots from its live XML, not a key") {
  CHECK(load(labText()).findDomain("web1")->freeHotplugSlots == std::nullopt);  // no controllers
  CHECK(load(labText()).findDomain("db1")->freeHotplugSlots == std::nullopt);   // shut off
  CHECK(load(labWithPorts({1, 2, 3, 4})).findDomain("web1")->freeHotplugSlots == 2u);
  CHECK(load(labWithPorts({1, 4})).findDomain("web1")->freeHotplugSlots == 0u);
}

TEST_CASE("a live attach to a guest with no free slot is refused, named, with the fix") {
  rc::Plan p = planFor(labWithPorts({1, 4}), kSecondVf);
  CHECK(p.refused());
  std::vector<rc::Finding> errors = errorsOn(p, "guest/web1");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message ==
        "guest 'web1' has 0 free hot-pluggable PCI slots, but the plan needs 1 for the "
        "devices it attaches to it live; libvirt would fail the attach (\"No more available PCI "
        "slots\") mid-apply: add one "
        "<controller type='pci' model='pcie-root-port'/> per device to its config (virsh edit "
        "web1), then restart the guest once; or plan it for the config and a restart "
        "(onDisruption: restart, when the plan takes a device of the guest away)");
}

TEST_CASE("a free slot lets the same attach through; unknown slots are not checked") {
  rc::Plan one = planFor(labWithPorts({1, 2, 4}), kSecondVf);
  CHECK(!one.refused());
  CHECK(errorsOn(one, "guest/web1").empty());
  bool attaches = false;
  for (const rc::Action& a : one.actions)
    attaches = attaches || (a.kind == rc::ActionKind::attachDevice && a.scope.live);
  CHECK(attaches);  // the check above saw a live attach, not an empty plan
  CHECK(!planFor(labText(), kSecondVf).refused());  // the lab's XML has no controllers
}

TEST_CASE("a count change's detach-then-attach needs no extra slot") {
  rc::Plan p = planFor(labWithPorts({1, 4}), kCountChange);
  CHECK(!p.refused());
  CHECK(errorsOn(p, "guest/web1").empty());
  // It does detach and attach web1's VF live, in that order.
  int detached = 0, attached = 0;
  for (const rc::Action& a : p.actions) {
    if (a.name != "web1" || !a.scope.live) continue;
    if (a.kind == rc::ActionKind::detachDevice) detached = a.id;
    if (a.kind == rc::ActionKind::attachDevice) attached = a.id;
  }
  CHECK(detached != 0);
  CHECK(attached > detached);
}

TEST_CASE("plan and apply refuse the attach with exit 4 and change nothing") {
  std::string tmp = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
  std::string stem = tmp + "/sriov-hotplug-" + std::to_string(getpid());
  std::string state = stem + ".state.yaml", spec = stem + ".yaml";
  std::string lab = labWithPorts({1, 4});
  sriov::test::writeText(state, lab);
  sriov::test::writeText(spec, kSecondVf);
  std::string run = std::string("cd ") + SRIOV_SOURCE_DIR + " && NO_COLOR=1 " +
                    sriov::test::binaryUnderTest() + " ";
  sriov::test::CommandRun planned =
      sriov::test::runCommand(run + "plan --state " + state + " " + spec);
  CHECK(planned.code == 4);
  CHECK(planned.out.find("guest/web1: guest 'web1' has 0 free hot-pluggable PCI slots") !=
        std::string::npos);
  sriov::test::CommandRun applied =
      sriov::test::runCommand(run + "apply --state " + state + " " + spec);
  CHECK(applied.code == 4);
  CHECK(sriov::test::readText(state) == lab);  // refused up front: nothing was attached
  std::remove(state.c_str());
  std::remove(spec.c_str());
}
