// The boot phases (--phase host before libvirt, --phase libvirt after it) and --wait-for-pfs:
// what each phase plans, the refusals that keep a boot from disrupting a guest, and a host phase
// that never connects to libvirt, against the simulated lab host and a fake sysfs tree.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "reconcile/boot_phase.h"
#include "reconcile/host/linux_host.h"
#include "reconcile/planner.h"
#include "reconcile/simulated/simulated_host.h"
#include "tests/unit/lab_state.h"
#include "tests/unit/sysfs_fixture.h"
#include "tests/unit/test_helpers.h"

namespace rc = sriov::reconcile;

namespace {

// The lab's running guest web1 holds VF 0 of enp4s0f0; a new VF count re-creates it.
const char* kCountUnderRunningGuest = R"(apiVersion: sriov-apply/v1
pfs:
  - name: enp4s0f0
    numVfs: 6
guests:
  - name: web1
    onDisruption: MODE
    interfaces:
      - vf: {pf: enp4s0f0, index: 0}
        mac: "52:54:00:a1:00:01"
        vlan: 100
)";

// A VF setting of a VF no guest holds: no guest is touched.
const char* kVfSettingOnly = R"(apiVersion: sriov-apply/v1
pfs:
  - name: enp4s0f0
    numVfs: 4
    persist: false
    vfs:
      - index: 2
        mac: "02:00:00:00:05:02"
)";

std::string withMode(const std::string& mode) {
  std::string text = kCountUnderRunningGuest;
  return text.replace(text.find("MODE"), 4, mode);
}

rc::Plan planIn(const std::string& specText, rc::Phase phase, bool hideLibvirt = false) {
  sriov::schema::LoadResult loaded = sriov::schema::loadSpec(specText, "host.yaml");
  REQUIRE_FALSE(loaded.diagnostics.hasErrors());
  rc::SimulatedHost host(sriov::testing::labState());
  if (hideLibvirt) host.hideLibvirt();
  sriov::Result<rc::ObservedState> observed = host.observe();
  REQUIRE(observed);
  rc::PlanOptions options;
  options.phase = phase;
  return rc::plan(rc::specForPhase(loaded.spec, phase), *observed, options);
}

std::string errorsOf(const rc::Plan& plan) {
  std::string out;
  for (const rc::Finding& f : plan.preflight)
    if (f.severity == rc::FindingSeverity::error) out += f.target + ": " + f.message + "\n";
  return out;
}

bool hasKind(const rc::Plan& plan, rc::ActionKind kind) {
  for (const rc::Action& a : plan.actions)
    if (a.kind == kind) return true;
  return false;
}

}  // namespace

TEST_CASE("phase names") {
  for (rc::Phase p : {rc::Phase::all, rc::Phase::host, rc::Phase::libvirt})
    CHECK(rc::parsePhase(rc::toString(p)) == p);
  CHECK_FALSE(rc::parsePhase("boot"));
}

TEST_CASE("--phase libvirt refuses a live detach or a shutdown of a running guest") {
  SUBCASE("hotplug: the plan would detach web1's VF live") {
    rc::Plan all = planIn(withMode("hotplug"), rc::Phase::all);
    CHECK_FALSE(all.refused());
    CHECK(hasKind(all, rc::ActionKind::detachDevice));
    rc::Plan boot = planIn(withMode("hotplug"), rc::Phase::libvirt);
    CHECK(boot.refused());
    CHECK(errorsOf(boot).find("guest/web1/ua-sriov-net0: action 1 (detach-device) would detach a "
                              "device from the running guest web1; --phase libvirt is for the "
                              "boot") != std::string::npos);
  }
  SUBCASE("restart: the plan would shut web1 down") {
    CHECK_FALSE(planIn(withMode("restart"), rc::Phase::all).refused());
    rc::Plan boot = planIn(withMode("restart"), rc::Phase::libvirt);
    CHECK(boot.refused());
    CHECK(errorsOf(boot).find("(shutdown-guest) would shut down the guest web1") !=
          std::string::npos);
  }
  SUBCASE("a plan that leaves running guests alone passes") {
    rc::Plan boot = planIn(kVfSettingOnly, rc::Phase::libvirt);
    CHECK(hasKind(boot, rc::ActionKind::setVf));
    CHECK_FALSE(boot.refused());
  }
}

TEST_CASE("--phase host: the kernel side only, refused while libvirt runs guests or networks") {
  SUBCASE("the lab's running web1 and active pool are seen in libvirt's runtime folder") {
    rc::Plan boot = planIn(withMode("hotplug"), rc::Phase::host, /*hideLibvirt=*/true);
    CHECK(boot.refused());
    CHECK(errorsOf(boot) ==
          "host: --phase host is for the boot, before libvirt starts, but libvirt already runs "
          "guest web1, network passthrough (/run/libvirt): run `sriov-apply apply SPEC` without "
          "--phase to change this host with its guests in view\n");
    CHECK_FALSE(hasKind(boot, rc::ActionKind::detachDevice));  // guests are not in the phase
    CHECK(hasKind(boot, rc::ActionKind::setNumVfs));
  }
  SUBCASE("a host phase with nothing to do is no change, whatever runs") {
    const char* same =
        "apiVersion: sriov-apply/v1\npfs:\n  - name: enp4s0f0\n    numVfs: 4\n"
        "    persist: false\n";
    rc::Plan boot = planIn(same, rc::Phase::host, true);
    CHECK_FALSE(boot.refused());
    CHECK(boot.empty());
  }
  SUBCASE("at boot (nothing runs yet) the count changes; no network or guest action") {
    sriov::schema::LoadResult loaded = sriov::schema::loadSpec(withMode("hotplug"), "host.yaml");
    rc::ObservedState atBoot = sriov::testing::labState();
    for (rc::ObservedDomain& d : atBoot.domains) d.state = rc::DomainState::shutoff;
    for (rc::ObservedNetwork& n : atBoot.networks) n.active = false;
    rc::SimulatedHost host(atBoot);
    host.hideLibvirt();
    sriov::Result<rc::ObservedState> observed = host.observe();
    REQUIRE(observed);
    CHECK(observed->domains.empty());
    CHECK(observed->libvirtActive.empty());
    rc::PlanOptions options;
    options.phase = rc::Phase::host;
    rc::Plan boot = rc::plan(rc::specForPhase(loaded.spec, rc::Phase::host), *observed, options);
    CHECK_FALSE(boot.refused());
    CHECK(hasKind(boot, rc::ActionKind::setNumVfs));
    for (const rc::Action& a : boot.actions) {
      CHECK(a.target.rfind("guest/", 0) != 0);
      CHECK(a.target.rfind("network/", 0) != 0);
    }
  }
}

TEST_CASE("LinuxHost without libvirt lists libvirt's runtime folder and never connects") {
  sriov::testing::SysfsFixture sys;
  sys.pciDevice("0000:03:00.0", "0x8086", "0x10c9", "igb");
  sys.netdev("0000:03:00.0", "eth3", "0x1003");
  sys.sriov("0000:03:00.0", 7, 128, 2, {});
  sys.file("run-libvirt/qemu/web1.xml", "<domstatus/>");
  sys.file("run-libvirt/qemu/web1.pid", "123");
  sys.dir("run-libvirt/qemu/channel");
  sys.file("run-libvirt/network/pool.xml", "<networkstatus/>");
  rc::LinuxHostOptions options;
  options.sysfsRoot = sys.root();
  options.connectUri = "qemu+unix:///system?socket=/nonexistent";  // would fail if asked
  options.netlink = rc::UseNetlink::no;
  options.libvirt = rc::UseLibvirt::no;
  options.libvirtRuntimeDir = sys.root() + "/run-libvirt";
  options.hostname = [] { return sriov::Result<std::string>(std::string("compute-01")); };
  rc::LinuxHost host(options);
  sriov::Result<rc::ObservedState> observed = host.observe();
  REQUIRE(observed);
  CHECK(observed->pfs.size() == 1);
  CHECK(observed->libvirtActive == std::vector<std::string>{"guest web1", "network pool"});
  sriov::Result<void> define = host.defineNetwork("<network/>");
  REQUIRE_FALSE(define);
  CHECK(define.error().message.find("--phase host") != std::string::npos);
}

TEST_CASE("apply --wait-for-pfs: bounded, names the missing PF, and goes on once it is there") {
  sriov::testing::SysfsFixture sys;
  std::string dir = sys.root() + "/run";
  sys.dir("run");
  sriov::test::writeText(dir + "/host.yaml",
                         "apiVersion: sriov-apply/v1\npfs:\n  - name: eth3\n    numVfs: 0\n"
                         "    persist: false\n");
  // --phase host with a libvirt URI that cannot be reached: the apply must never ask libvirt.
  const std::string command =
      sriov::test::binaryUnderTest() + " apply --phase host --sysfs-root " + sys.root() +
      " --connect 'qemu+unix:///system?socket=/nonexistent' --lock-file " + dir +
      "/lock --snapshot-dir " + dir + "/snap --wait-for-pfs 1 " + dir + "/host.yaml 2>&1";
  SUBCASE("the PF never comes: exit 1 after about the wait, nothing changed") {
    auto begin = std::chrono::steady_clock::now();
    sriov::test::CommandRun r = sriov::test::runCommand(command);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    INFO(r.out);
    CHECK(r.code == 1);
    CHECK(r.out.find("waiting up to 1 s for eth3 (" + dir + "/host.yaml:3:5)") !=
          std::string::npos);
    CHECK(r.out.find("sriov-apply: error: gave up waiting for the spec's PFs after 1 s "
                     "(--wait-for-pfs); not on this host: eth3 (" +
                     dir + "/host.yaml:3:5)") != std::string::npos);
    CHECK(seconds >= 1.0);
    CHECK(seconds < 10.0);
    CHECK_FALSE(std::filesystem::exists(dir + "/snap"));
  }
  SUBCASE("the PF's driver finishes probing while the apply waits") {
    std::thread probe([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      sys.pciDevice("0000:03:00.0", "0x8086", "0x10c9", "igb");
      sys.sriov("0000:03:00.0", 7, 128, 2, {});
      sys.netdev("0000:03:00.0", "eth3", "0x1003");
    });
    sriov::test::CommandRun r = sriov::test::runCommand(command);
    probe.join();
    INFO(r.out);
    CHECK(r.code == 0);
    CHECK(r.out.find("No changes.") != std::string::npos);
    CHECK(r.out.find("cannot connect to libvirt") == std::string::npos);
  }
  SUBCASE("without --phase host the same apply asks libvirt, and fails to reach it") {
    sys.pciDevice("0000:03:00.0", "0x8086", "0x10c9", "igb");
    sys.sriov("0000:03:00.0", 7, 128, 2, {});
    sys.netdev("0000:03:00.0", "eth3", "0x1003");
    std::string full = command;
    full.replace(full.find(" --phase host"), 13, "");
    sriov::test::CommandRun r = sriov::test::runCommand(full);
    CHECK(r.code == 1);
    CHECK(r.out.find("cannot connect to libvirt") != std::string::npos);
  }
}
