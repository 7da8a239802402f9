// sriov-apply itself, as a user runs it, against the real libvirtd: apply defines a VF pool and
// gives guests devices in their config; a second apply changes nothing; a changed spec with
// prune redefines the pool and removes the dropped device. Every result is read back from the
// daemon through libvirt's C API, never from the tool's own output alone.
#include <doctest/doctest.h>
#include <libvirt/libvirt.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/integration/libvirt_world.h"
#include "tests/unit/test_helpers.h"

namespace fs = std::filesystem;

namespace {

using Run = sriov::test::CommandRun;

// Runs a shell command line, stdout and stderr together.
Run runCommand(const std::string& command) {
  return sriov::test::runCommand(command + " 2>&1");
}

class Workspace {
 public:
  Workspace() : dir_(fs::temp_directory_path() / ("sriov-apply-cli-" + std::to_string(getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~Workspace() { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
  }

  std::string read(const std::string& name) const {
    std::ifstream in(path(name));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  Run apply(const std::string& spec, const std::string& extra = "") const {
    std::string command = std::string(SRIOV_APPLY_BIN) + " apply --no-color " + path(spec) +
                          " --connect '" + sriov::integration::daemonUri() + "' --sysfs-root " +
                          sriov::integration::fakeSysfsRoot() + " --persist-file " +
                          path("70-sriov-apply.rules") + " --lock-file " + path("lock") +
                          " --snapshot-dir " + path("snapshots") + " " + extra;
    return runCommand(command);
  }

 private:
  fs::path dir_;
};

class Daemon {
 public:
  Daemon() : conn_(virConnectOpen(sriov::integration::daemonUri().c_str())) { REQUIRE(conn_); }
  ~Daemon() { virConnectClose(conn_); }

  void defineGuest(const std::string& name) {
    std::string xml = "<domain type='qemu'><name>" + name +
                      "</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu>"
                      "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
                      "<features><acpi/></features><devices/></domain>";
    virDomainPtr d = virDomainDefineXML(conn_, xml.c_str());
    REQUIRE(d);
    virDomainFree(d);
  }

  void removeGuest(const std::string& name) {
    if (virDomainPtr d = virDomainLookupByName(conn_, name.c_str())) {
      virDomainUndefine(d);
      virDomainFree(d);
    }
  }

  void removeNetwork(const std::string& name) {
    if (virNetworkPtr n = virNetworkLookupByName(conn_, name.c_str())) {
      if (virNetworkIsActive(n) == 1) virNetworkDestroy(n);
      virNetworkUndefine(n);
      virNetworkFree(n);
    }
  }

  // The guest's persistent definition.
  std::string guestXml(const std::string& name) {
    virDomainPtr d = virDomainLookupByName(conn_, name.c_str());
    REQUIRE(d);
    char* xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
    std::string out = xml ? xml : "";
    std::free(xml);
    virDomainFree(d);
    return out;
  }

  struct NetworkFacts {
    bool exists = false, active = false, autostart = false;
    std::string xml;
  };
  NetworkFacts network(const std::string& name) {
    NetworkFacts f;
    virNetworkPtr n = virNetworkLookupByName(conn_, name.c_str());
    if (!n) return f;
    f.exists = true;
    f.active = virNetworkIsActive(n) == 1;
    int autostart = 0;
    virNetworkGetAutostart(n, &autostart);
    f.autostart = autostart == 1;
    char* xml = virNetworkGetXMLDesc(n, VIR_NETWORK_XML_INACTIVE);
    f.xml = xml ? xml : "";
    std::free(xml);
    virNetworkFree(n);
    return f;
  }

 private:
  virConnectPtr conn_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The world's own pool, listed as it is so that prune leaves it alone.
const char* kWorldPool = R"(  - name: pool-pf
    pf: eth3
    vlan: 42
)";

std::string spec(const std::string& poolExtra, const std::string& dbDevices, bool prune) {
  return std::string("apiVersion: sriov-apply/v1\n") + (prune ? "prune: true\n" : "") +
         "pfs:\n  - name: eth3\n    numVfs: 3\n"
         "networks:\n" +
         kWorldPool + "  - name: apply-pool\n    pf: eth3\n" + poolExtra +
         "guests:\n"
         "  - name: apply-web\n    interfaces:\n"
         "      - network: apply-pool\n        mac: \"52:54:00:aa:00:01\"\n"
         "  - name: apply-db\n" +
         dbDevices;
}

}  // namespace

TEST_CASE("apply, apply again, change with prune: what the daemon ends up with") {
  sriov::integration::setUpWorld();
  Daemon daemon;
  Workspace ws;
  daemon.defineGuest("apply-web");
  daemon.defineGuest("apply-db");
  // Whatever happens below, the world's other tests find it as it was.
  struct Cleanup {
    Daemon& daemon;
    ~Cleanup() {
      daemon.removeGuest("apply-web");
      daemon.removeGuest("apply-db");
      daemon.removeNetwork("apply-pool");
    }
  } cleanup{daemon};

  const std::string dbDevices =
      "    interfaces:\n      - network: apply-pool\n        mac: \"52:54:00:aa:00:02\"\n"
      "    hostdevs:\n      - pci: \"0000:06:00.0\"\n";
  ws.write("host.yaml", spec("", dbDevices, false));

  SUBCASE("the whole cycle") {
    // 1. Apply: the pool is defined, started and autostarted; both guests get their devices
    //    in their config (they are shut off: no live change).
    Run first = ws.apply("host.yaml");
    INFO(first.out);
    REQUIRE(first.code == 0);
    CHECK(contains(first.out, "the host matches"));
    Daemon::NetworkFacts pool = daemon.network("apply-pool");
    CHECK(pool.exists);
    CHECK(pool.active);
    CHECK(pool.autostart);
    CHECK(contains(pool.xml, "<forward mode='hostdev' managed='yes'>"));
    CHECK(contains(pool.xml, "<pf dev='eth3'/>"));
    CHECK(contains(pool.xml, "http://sriov-apply.org/xmlns/v1"));
    std::string web = daemon.guestXml("apply-web");
    CHECK(contains(web, "<mac address='52:54:00:aa:00:01'/>"));
    CHECK(contains(web, "<source network='apply-pool'/>"));
    CHECK(contains(web, "<alias name='ua-sriov-net0'/>"));
    std::string db = daemon.guestXml("apply-db");
    CHECK(contains(db, "<source network='apply-pool'/>"));
    CHECK(contains(db, "<hostdev mode='subsystem' type='pci' managed='yes'>"));
    CHECK(contains(db, "<address domain='0x0000' bus='0x06' slot='0x00' function='0x0'/>"));
    CHECK(contains(db, "<alias name='ua-sriov-hostdev0'/>"));
    CHECK(ws.read("70-sriov-apply.rules") ==
          "# Generated by sriov-apply; do not edit: it is rewritten on every apply.\n"
          "# Re-creates the VFs of each PF below when its driver binds at boot.\n"
          "# eth3\n"
          "ACTION==\"add\", SUBSYSTEM==\"net\", KERNELS==\"0000:03:00.0\", "
          "ATTR{device/sriov_numvfs}=\"3\"\n");
    CHECK(fs::exists(ws.path("snapshots")));

    // 2. Again: nothing to do, and --detailed-exitcode says so with 0.
    Run second = ws.apply("host.yaml", "--detailed-exitcode");
    INFO(second.out);
    CHECK(second.code == 0);
    CHECK(contains(second.out, "No changes. The host matches"));

    // 3. The pool gets a VLAN, apply-db drops its hostdev; prune removes it.
    ws.write(
        "host.yaml",
        spec("    vlan: 7\n",
             "    interfaces:\n      - network: apply-pool\n        mac: \"52:54:00:aa:00:02\"\n",
             true));
    Run third = ws.apply("host.yaml", "--detailed-exitcode");
    INFO(third.out);
    CHECK(third.code == 2);
    pool = daemon.network("apply-pool");
    CHECK(pool.active);
    CHECK(contains(pool.xml, "<tag id='7'/>"));
    db = daemon.guestXml("apply-db");
    CHECK(!contains(db, "<hostdev "));
    CHECK(contains(db, "<source network='apply-pool'/>"));
    // The world's pool, listed unchanged, is untouched.
    CHECK(daemon.network("pool-pf").active);

    // 4. And once more: converged.
    CHECK(ws.apply("host.yaml", "--detailed-exitcode").code == 0);
  }
}

TEST_CASE(
    "show on the real daemon: its state file reads back the same, and --as-spec plans nothing") {
  sriov::integration::setUpWorld();
  Workspace ws;
  std::string host = " --connect '" + sriov::integration::daemonUri() + "' --sysfs-root " +
                     sriov::integration::fakeSysfsRoot();
  auto run = [](const std::string& args) {
    return runCommand(std::string(SRIOV_APPLY_BIN) + " " + args);
  };
  Run a = run("show" + host);
  REQUIRE(a.code == 0);
  ws.write("a.state.yaml", a.out);
  Run b = run("show --state " + ws.path("a.state.yaml"));
  INFO(b.out);
  REQUIRE(b.code == 0);
  CHECK(b.out == a.out);
  CHECK(contains(a.out, "kind: HostState"));
  CHECK(contains(a.out, "name: pool-pf"));
  CHECK(contains(a.out, "name: guest-running"));

  Run spec = run("show --as-spec" + host);
  REQUIRE(spec.code == 0);
  ws.write("adopted.yaml", spec.out);
  Run plan = run("plan --detailed-exitcode " + ws.path("adopted.yaml") + host + " --persist-file " +
                 ws.path("70-sriov-apply.rules"));
  INFO(spec.out);
  INFO(plan.out);
  CHECK(plan.code == 0);
  CHECK(contains(plan.out, "No changes. The host matches"));
}

TEST_CASE(
    "doctor on the real daemon: libvirt reachable with its version and driver; a dead URI "
    "is named") {
  sriov::integration::setUpWorld();
  std::string uri = sriov::integration::daemonUri();
  // This machine's own sysfs has no SR-IOV card, so doctor exits 4; the libvirt line is what
  // this tier proves (the fixture tests in tests/unit/test_doctor.cpp prove the rest).
  Run up = runCommand(std::string(SRIOV_APPLY_BIN) + " doctor --connect '" + uri + "'");
  INFO(up.out);
  CHECK((up.code == 0 || up.code == 4));
  CHECK(contains(up.out, "ok: libvirt host: libvirt "));
  CHECK(contains(up.out, " at " + uri + ", driver QEMU"));

  std::string dead = "qemu+unix:///system?socket=/nonexistent/libvirt-sock";
  Run down = runCommand(std::string(SRIOV_APPLY_BIN) + " doctor --connect '" + dead + "'");
  INFO(down.out);
  CHECK(down.code == 4);
  CHECK(contains(down.out, "libvirt host: "));
  CHECK(contains(down.out, "/nonexistent/libvirt-sock"));
  CHECK(contains(down.out, "systemctl enable --now libvirtd"));
  CHECK_FALSE(contains(down.out, "ok: libvirt"));
}
