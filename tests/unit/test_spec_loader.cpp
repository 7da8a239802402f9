// The spec loader: the model it builds, and every diagnostic word for word.
#include <doctest/doctest.h>

#include "schema/loader.h"
#include "tests/unit/test_helpers.h"

using sriov::test::diagnosticsOf;
using sriov::test::kHeader;
using Lines = std::vector<std::string>;

namespace schema = sriov::schema;

TEST_CASE("a full spec loads with defaults applied and addresses normalised") {
  schema::LoadResult r = schema::loadSpec(kHeader + R"(host: compute-01
pfs:
  - name: enp14s0f0
    pci: "0b:00.0"
    numVfs: 4
    vfs:
      - index: 0
        mac: "02:00:00:00:10:AA"
        vlan: 100
        qos: 2
        spoofCheck: true
        trust: false
        linkState: disable
        minTxRate: 10
        maxTxRate: 1000
        driver: vfio-pci
      - index: "2-3"
        vlan: 7
  - pci: "0000:05:00.0"
    numVfs: 2
    persist: false
  - name: enp14s0f1
    numVfs: 2
networks:
  - name: passthrough
    pf: enp14s0f1
    vlan: 42
  - name: listed
    vfs: [{pf: "05:00.0", index: 1}]
    managed: false
    autostart: false
    active: false
guests:
  - name: guestVM
    onDisruption: restart
    interfaces:
      - vf: {pf: enp14s0f1, index: 1}
        mac: "52:54:00:6D:90:02"
        virtualport: {type: 802.1Qbh, profileid: finance}
      - network: passthrough
    hostdevs:
      - pci: "03:00.0"
      - vf: {pf: "0000:05:00.0", index: 0}
prune: true
)",
                                          "host.yaml");
  CHECK(diagnosticsOf(r) ==
        Lines{"host.yaml:38:13: warning: VF enp14s0f1/1 is also in the pool of network "
              "'passthrough', which may hand it to another guest first"});
  const schema::Spec& s = r.spec;
  CHECK(s.file == "host.yaml");
  CHECK(s.host == "compute-01");
  CHECK(s.prune);
  REQUIRE(s.pfs.size() == 3);
  CHECK(s.pfs[0].name == "enp14s0f0");
  CHECK(s.pfs[0].pci == "0000:0b:00.0");
  CHECK(s.pfs[0].numVfs == 4);
  CHECK(s.pfs[0].persist);
  CHECK(s.pfs[0].pos == schema::Position{4, 5});
  REQUIRE(s.pfs[0].vfs.size() == 2);
  const schema::VfSettings& v = s.pfs[0].vfs[0].settings;
  CHECK(v.mac == "02:00:00:00:10:aa");
  CHECK(v.vlan == 100u);
  CHECK(v.qos == 2u);
  CHECK(v.spoofCheck == true);
  CHECK(v.trust == false);
  CHECK(std::string(toString(*v.linkState)) == "disable");
  CHECK(v.minTxRate == 10u);
  CHECK(v.maxTxRate == 1000u);
  CHECK(v.driver == "vfio-pci");
  CHECK(s.pfs[0].vfs[1].first == 2);
  CHECK(s.pfs[0].vfs[1].last == 3);
  CHECK_FALSE(s.pfs[0].vfs[1].settings.mac.has_value());
  CHECK(s.pfs[1].label() == "0000:05:00.0");
  CHECK_FALSE(s.pfs[1].persist);

  REQUIRE(s.networks.size() == 2);
  CHECK(s.networks[0].pf == "enp14s0f1");
  CHECK(s.networks[0].managed);
  CHECK(s.networks[0].autostart);
  CHECK(s.networks[0].active);
  CHECK(s.networks[0].vlan == 42u);
  CHECK(s.networks[1].vfs == std::vector<schema::VfRef>{{"05:00.0", 1, {}}});
  CHECK_FALSE(s.networks[1].managed);
  CHECK_FALSE(s.networks[1].autostart);
  CHECK_FALSE(s.networks[1].active);
  CHECK(s.findPf("05:00.0") == &s.pfs[1]);
  CHECK(s.findPf("0000:0b:00.0") == &s.pfs[0]);
  CHECK(s.findPf("eth0") == nullptr);

  REQUIRE(s.guests.size() == 1);
  const schema::Guest& g = s.guests[0];
  CHECK(std::string(toString(g.onDisruption)) == "restart");
  REQUIRE(g.interfaces.size() == 2);
  CHECK(g.interfaces[0].kind == schema::Interface::Kind::vf);
  CHECK(g.interfaces[0].vf.index == 1);
  CHECK(g.interfaces[0].mac == "52:54:00:6d:90:02");
  CHECK(g.interfaces[0].virtualport->profileid == "finance");
  CHECK(g.interfaces[1].kind == schema::Interface::Kind::network);
  CHECK(g.interfaces[1].network == "passthrough");
  CHECK_FALSE(g.interfaces[1].mac.has_value());
  REQUIRE(g.hostdevs.size() == 2);
  CHECK(g.hostdevs[0].pci == "0000:03:00.0");
  CHECK(g.hostdevs[1].vf->pf == "0000:05:00.0");
}

TEST_CASE("defaults of an almost empty spec") {
  schema::LoadResult r = schema::loadSpec(kHeader, "h.yaml");
  CHECK(r.diagnostics.sorted().empty());
  CHECK_FALSE(r.spec.prune);
  CHECK_FALSE(r.spec.host.has_value());
  CHECK(r.spec.pfs.empty());
  r = schema::loadSpec(kHeader + "guests:\n  - name: a\n", "h.yaml");
  CHECK(std::string(toString(r.spec.guests.at(0).onDisruption)) == "hotplug");
}

TEST_CASE("document-level problems") {
  CHECK(diagnosticsOf("") ==
        Lines{"t.yaml:1:1: error: the file is empty; a spec starts with 'apiVersion: "
              "sriov-apply/v1'"});
  CHECK(diagnosticsOf("# only a comment\n\n") ==
        Lines{"t.yaml:1:1: error: the file is empty; a spec starts with 'apiVersion: "
              "sriov-apply/v1'"});
  CHECK(diagnosticsOf("just a string\n") ==
        Lines{"t.yaml:1:1: error: a spec must be a mapping (apiVersion, pfs, networks, guests), "
              "got a scalar"});
  CHECK(diagnosticsOf("pfs: [\n") ==
        Lines{"t.yaml:2:1: error: YAML syntax error: end of sequence flow not found"});
  CHECK(diagnosticsOf(kHeader + "---\n" + kHeader) ==
        Lines{"t.yaml:3:1: error: expected one YAML document, found more than one; put one host's "
              "spec in "
              "each file"});
  CHECK(diagnosticsOf("pfs: []\n") == Lines{"t.yaml:1:1: error: the spec needs 'apiVersion'"});
  CHECK(diagnosticsOf("apiVersion: v1\n") ==
        Lines{"t.yaml:1:13: error: 'apiVersion' must be sriov-apply/v1; got \"v1\""});
  CHECK(diagnosticsOf(kHeader + "prune: true\nprune: false\n") ==
        Lines{"t.yaml:3:1: error: duplicate key 'prune' (first at 2:1)"});
  CHECK(diagnosticsOf(kHeader + "gusets: []\n") ==
        Lines{"t.yaml:2:1: error: unknown key 'gusets' in the spec; did you mean 'guests'?"});
  CHECK(diagnosticsOf(kHeader + "colour: red\n") ==
        Lines{"t.yaml:2:1: error: unknown key 'colour' in the spec; expected 'apiVersion', "
              "'host', 'pfs', 'networks', 'guests' or 'prune'"});
  CHECK(diagnosticsOf(kHeader + "pfs: {name: x}\n") ==
        Lines{"t.yaml:2:6: error: 'pfs' must be a sequence, got a mapping"});
  CHECK(diagnosticsOf(kHeader + "pfs:\n") == Lines{"t.yaml:2:1: error: 'pfs' has no value"});
  CHECK(diagnosticsOf(kHeader + "pfs: [eth0]\n") ==
        Lines{"t.yaml:2:7: error: a PF must be a mapping, got \"eth0\""});
}

TEST_CASE("types and ranges") {
  auto pf = [](const std::string& body) {
    return diagnosticsOf(kHeader + "pfs:\n  - name: eth0\n" + body);
  };
  CHECK(pf("    numVfs: four\n") ==
        Lines{"t.yaml:4:13: error: 'numVfs' must be an integer, got \"four\""});
  CHECK(pf("    numVfs: \"4\"\n") ==
        Lines{"t.yaml:4:13: error: 'numVfs' must be an integer, got the string \"4\"; remove "
              "the quotes"});
  CHECK(pf("    numVfs: -1\n") ==
        Lines{"t.yaml:4:13: error: 'numVfs' must be between 0 and 65535, got -1"});
  CHECK(pf("    numVfs: 65536\n") ==
        Lines{"t.yaml:4:13: error: 'numVfs' must be between 0 and 65535, got 65536"});
  CHECK(pf("    numVfs: 2.5\n") ==
        Lines{"t.yaml:4:13: error: 'numVfs' must be an integer, got \"2.5\""});
  CHECK(pf("    numVfs: 1\n    persist: on\n") ==
        Lines{"t.yaml:5:14: error: 'persist' must be true or false, got \"on\""});
  CHECK(pf("") == Lines{"t.yaml:3:5: error: a PF needs 'numVfs'"});
  CHECK(pf("    numVfs: 1\n    vfs: [{index: 0, vlan: [1]}]\n") ==
        Lines{"t.yaml:5:28: error: 'vlan' must be an integer, got a sequence"});
  CHECK(pf("    numVfs: 1\n    vfs: [{index: 0, vlan: 4096}]\n") ==
        Lines{"t.yaml:5:28: error: 'vlan' must be between 0 and 4095, got 4096"});
  CHECK(pf("    numVfs: 1\n    vfs: [{index: 0, vlan: 1, qos: 8}]\n") ==
        Lines{"t.yaml:5:36: error: 'qos' must be between 0 and 7, got 8"});
  CHECK(pf("    numVfs: 1\n    vfs: [{index: 0, qos: 3}]\n") ==
        Lines{"t.yaml:5:11: error: qos needs a vlan: the priority is carried in the VLAN tag"});
  CHECK(pf("    numVfs: 1\n    vfs: [{index: 0, minTxRate: -5}]\n") ==
        Lines{"t.yaml:5:33: error: 'minTxRate' must be between 0 and 4294967295, got -5"});
  CHECK(pf("    numVfs: 1\n    vfs: [{index: 0, minTxRate: 500, maxTxRate: 100}]\n") ==
        Lines{"t.yaml:5:11: error: minTxRate 500 is above maxTxRate 100"});
  CHECK(pf("    numVfs: 1\n    vfs: [{index: 0, linkState: Auto}]\n") ==
        Lines{"t.yaml:5:33: error: 'linkState' must be one of auto, enable, disable; got "
              "\"Auto\"; did you mean 'auto'?"});
  CHECK(pf("    numVfs: 1\n    vfs: [{index: 0, spoofChek: true}]\n") ==
        Lines{"t.yaml:5:22: error: unknown key 'spoofChek' in a VF entry; did you mean "
              "'spoofCheck'?"});
  CHECK(pf("    numVfs: 1\n    vfs: [{vlan: 1}]\n") ==
        Lines{"t.yaml:5:11: error: a VF entry needs 'index'"});
}

TEST_CASE("VF indexes and ranges") {
  auto vfs = [](const std::string& entries) {
    return diagnosticsOf(kHeader + "pfs:\n  - name: eth0\n    numVfs: 4\n    vfs:\n" + entries);
  };
  CHECK(vfs("      - index: 4\n") ==
        Lines{"t.yaml:6:9: error: VF 4 of eth0 does not exist: eth0 has numVfs 4 (VFs 0-3)"});
  CHECK(vfs("      - index: 2-5\n") ==
        Lines{"t.yaml:6:9: error: VFs 2-5 of eth0 do not exist: eth0 has numVfs 4 (VFs 0-3)"});
  CHECK(vfs("      - index: 3-1\n") ==
        Lines{"t.yaml:6:16: error: VF range \"3-1\" is backwards; write 1-3"});
  CHECK(vfs("      - index: 1-\n") ==
        Lines{"t.yaml:6:16: error: 'index' must be a VF index or a range like \"0-3\", got "
              "\"1-\""});
  CHECK(vfs("      - index: 0-1\n        trust: true\n      - index: 1\n") ==
        Lines{"t.yaml:8:9: error: VF 1 of eth0 is already configured by the entry at 6:9"});
  CHECK(vfs("      - index: 0-1\n        mac: \"02:00:00:00:00:01\"\n") ==
        Lines{"t.yaml:6:9: error: one MAC for VFs 0-1 would give them all the same address; set "
              "it per index"});
  CHECK(diagnosticsOf(kHeader + "pfs:\n  - name: eth0\n    numVfs: 0\n    vfs: [{index: 0}]\n") ==
        Lines{"t.yaml:5:11: error: VF 0 of eth0 does not exist: eth0 has numVfs 0"});
  // An invalid numVfs is reported once, not again for every VF index.
  CHECK(diagnosticsOf(kHeader + "pfs:\n  - name: eth0\n    numVfs: x\n    vfs: [{index: 3}]\n") ==
        Lines{"t.yaml:4:13: error: 'numVfs' must be an integer, got \"x\""});
}

TEST_CASE("MAC and PCI addresses") {
  auto mac = [](const std::string& m) {
    return diagnosticsOf(
        kHeader + "pfs:\n  - name: eth0\n    numVfs: 1\n    vfs: [{index: 0, mac: " + m + "}]\n");
  };
  CHECK(mac("\"52:54:00:6d:90\"") ==
        Lines{"t.yaml:5:27: error: \"52:54:00:6d:90\" is not a MAC address; write six hex pairs "
              "separated by ':', e.g. 52:54:00:6d:90:02"});
  CHECK(mac("\"52-54-00-6d-90-02\"") ==
        Lines{"t.yaml:5:27: error: \"52-54-00-6d-90-02\" is not a MAC address; write six hex "
              "pairs separated by ':', e.g. 52:54:00:6d:90:02"});
  CHECK(mac("\"ff:ff:ff:ff:ff:ff\"") ==
        Lines{"t.yaml:5:27: error: MAC ff:ff:ff:ff:ff:ff is a multicast address (the first octet "
              "is odd); a VF needs a unicast MAC"});
  CHECK(mac("\"00:00:00:00:00:00\"") ==
        Lines{"t.yaml:5:27: error: MAC 00:00:00:00:00:00 is all zero; give a unicast MAC or "
              "leave mac out"});
  CHECK(mac("\"02:00:00:00:00:01\"").empty());
  auto pci = [](const std::string& p) {
    return diagnosticsOf(kHeader + "pfs:\n  - pci: " + p + "\n    numVfs: 1\n");
  };
  CHECK(pci("\"0b:00\"") == Lines{"t.yaml:3:10: error: \"0b:00\" is not a PCI address; write "
                                  "domain:bus:slot.function, e.g. 0000:0b:00.0 or 0b:00.0"});
  CHECK(pci("\"0000:0b:20.0\"") ==
        Lines{"t.yaml:3:10: error: \"0000:0b:20.0\" is not a PCI address; write "
              "domain:bus:slot.function, e.g. 0000:0b:00.0 or 0b:00.0"});
  CHECK(pci("\"0b:00.8\"").size() == 1);
  CHECK(pci("\"0B:1F.7\"").empty());
}

TEST_CASE("interface names are checked before they reach sysfs paths") {
  auto name = [](const std::string& n) {
    return diagnosticsOf(kHeader + "pfs:\n  - name: " + n + "\n    numVfs: 1\n");
  };
  CHECK(name("\"\"") == Lines{"t.yaml:3:11: error: \"\": an interface name must not be empty"});
  CHECK(name("../../etc") ==
        Lines{"t.yaml:3:11: error: \"../../etc\": an interface name must not contain '..'"});
  CHECK(name("a/b") ==
        Lines{"t.yaml:3:11: error: \"a/b\": an interface name must not contain '/'"});
  CHECK(name("\"eth 0\"") ==
        Lines{"t.yaml:3:11: error: \"eth 0\": an interface name must not contain whitespace"});
  CHECK(name("\"eth\\t0\"") ==
        Lines{"t.yaml:3:11: error: \"eth\t0\": an interface name must not contain whitespace"});
  CHECK(name("abcdefghijklmnop") ==
        Lines{"t.yaml:3:11: error: \"abcdefghijklmnop\": an interface name has at most 15 bytes, "
              "this one has 16"});
  CHECK(name("abcdefghijklmno").empty());
  CHECK(diagnosticsOf(kHeader + "pfs:\n  - name: eth0\n    numVfs: 1\n    vfs: [{index: 0, driver: "
                                "\"../../x\"}]\n") ==
        Lines{"t.yaml:5:30: error: \"../../x\": a driver name has only letters, digits, '_' and "
              "'-'"});
}

TEST_CASE("PFs, networks and guests refer to each other correctly") {
  const std::string pfs = kHeader + "pfs:\n  - name: eth0\n    pci: \"03:00.0\"\n    numVfs: 4\n";
  SUBCASE("duplicate PFs by name and by PCI address") {
    CHECK(diagnosticsOf(pfs +
                        "  - name: eth0\n    numVfs: 1\n  - pci: 0000:03:00.0\n    numVfs: 1\n") ==
          Lines{"t.yaml:6:5: error: PF eth0 is declared twice (first at 3:5)",
                "t.yaml:8:5: error: PF 0000:03:00.0 is declared twice (first at 3:5)"});
  }
  SUBCASE("a PF needs a name or a PCI address") {
    CHECK(diagnosticsOf(pfs + "  - numVfs: 1\n") ==
          Lines{"t.yaml:6:5: error: a PF needs 'name' or 'pci'"});
  }
  SUBCASE("networks") {
    CHECK(diagnosticsOf(pfs + "networks:\n  - name: a\n  - name: b\n    pf: eth0\n    vfs: []\n"
                              "  - name: b\n    pf: eth1\n") ==
          Lines{"t.yaml:7:5: error: a network needs 'pf' or 'vfs'",
                "t.yaml:8:5: error: a network takes only one of 'pf' or 'vfs', not both",
                "t.yaml:11:5: error: network 'b' is declared twice (first at 8:5)",
                "t.yaml:11:5: error: PF eth1 is not declared under pfs; declare it there (name or "
                "pci)"});
    CHECK(diagnosticsOf(pfs + "networks:\n  - name: a\n    vfs: [{pf: eth0, index: 1}]\n"
                              "  - name: b\n    vfs: [{pf: 0000:03:00.0, index: 1}]\n") ==
          Lines{"t.yaml:10:11: warning: VF eth0/1 is also in the pool of network 'a', which may "
                "hand it to another guest first"});
    CHECK(diagnosticsOf(pfs + "networks:\n  - name: a\n    vfs: [{pf: eth0, index: 1}, "
                              "{pf: 0000:03:00.0, index: 1}]\n") ==
          Lines{"t.yaml:8:33: error: VF eth0/1 is listed twice in network 'a' (first at 8:11), "
                "which libvirt refuses; list it once"});
  }
  SUBCASE("guests") {
    const std::string net = pfs + "networks:\n  - name: pool\n    vfs: [{pf: eth0, index: 0}]\n";
    CHECK(diagnosticsOf(net + "guests:\n  - name: g\n    interfaces:\n"
                              "      - vf: {pf: eth0, index: 0}\n"
                              "      - vf: {pf: eth0, index: 9}\n"
                              "      - vf: {pf: eth2, index: 0}\n"
                              "      - network: other\n"
                              "      - {}\n"
                              "  - name: g\n") ==
          Lines{"t.yaml:12:13: warning: VF eth0/0 is also in the pool of network 'pool', which "
                "may hand it to another guest first",
                "t.yaml:13:13: error: VF 9 of eth0 does not exist: eth0 has numVfs 4 (VFs 0-3)",
                "t.yaml:14:13: error: PF eth2 is not declared under pfs; declare it there (name or "
                "pci)",
                "t.yaml:15:9: error: network 'other' is not declared under networks",
                "t.yaml:16:9: error: an interface needs 'vf' or 'network'",
                "t.yaml:17:5: error: guest 'g' is declared twice (first at 10:5)"});
  }
  SUBCASE("a VF is given to one guest device only, by name or by PCI address alike") {
    CHECK(diagnosticsOf(pfs + "guests:\n  - name: a\n    interfaces: [{vf: {pf: eth0, index: 2}}]\n"
                              "  - name: b\n    hostdevs: [{vf: {pf: \"03:00.0\", index: 2}}]\n") ==
          Lines{"t.yaml:10:21: error: VF eth0/2 is already used by guest 'a' at 8:23; a VF has "
                "one user"});
  }
  SUBCASE("interfaces") {
    CHECK(diagnosticsOf(pfs + "guests:\n  - name: a\n    interfaces:\n"
                              "      - vf: {pf: eth0, index: 1}\n        vlan: 3\n"
                              "        virtualport: {type: 802.1Qbh, profileid: p}\n"
                              "      - vf: {pf: eth0, index: 2}\n"
                              "        virtualport: {type: 802.1Qbh}\n"
                              "      - vf: {pf: eth0, index: 3}\n"
                              "        virtualport: {type: 802.1Qbg, managerid: 1, typeid: 2, "
                              "typeidversion: 3}\n") ==
          Lines{"t.yaml:9:9: error: vlan and virtualport cannot be combined on one interface; "
                "use one",
                "t.yaml:12:9: error: a 802.1Qbh virtualport needs 'profileid'"});
  }
  SUBCASE("MACs are unique across the spec") {
    CHECK(diagnosticsOf(pfs +
                        "    vfs: [{index: 0, mac: \"02:00:00:00:00:01\"}]\n"
                        "guests:\n  - name: a\n    interfaces:\n"
                        "      - vf: {pf: eth0, index: 1}\n        mac: 02:00:00:00:00:01\n") ==
          Lines{"t.yaml:10:9: error: MAC 02:00:00:00:00:01 is already used at 6:11"});
  }
  SUBCASE("a whole PCI device goes to one guest") {
    CHECK(diagnosticsOf(kHeader + "guests:\n  - name: a\n    hostdevs: [{pci: \"06:00.0\"}]\n"
                                  "  - name: b\n    hostdevs: [{pci: \"0000:06:00.0\"}]\n") ==
          Lines{"t.yaml:6:16: error: PCI device 0000:06:00.0 is already given to guest 'a' at "
                "4:16"});
  }
}

TEST_CASE("warnings") {
  CHECK(diagnosticsOf(kHeader + "pfs:\n  - name: eth0\n    numVfs: 257\n") ==
        Lines{"t.yaml:3:5: warning: numVfs 257 of eth0 is above 256; few devices support that "
              "many VFs (sriov_totalvfs decides)"});
  CHECK(diagnosticsOf(kHeader + "pfs:\n  - name: eth0\n    numVfs: 2\nnetworks:\n"
                                "  - {name: pool, pf: eth0, active: false}\n"
                                "guests:\n  - name: a\n    interfaces:\n"
                                "      - network: pool\n      - vf: {pf: eth0, index: 1}\n") ==
        Lines{"t.yaml:10:9: warning: guest 'a' uses network 'pool', which the spec keeps inactive; "
              "the guest cannot start",
              "t.yaml:11:13: warning: VF eth0/1 is also in the pool of network 'pool', which may "
              "hand it to another guest first"});
}

TEST_CASE("an unreadable spec file is reported without a position") {
  schema::LoadResult r = schema::loadSpecFile("/nonexistent/host.yaml");
  std::vector<schema::Diagnostic> d = r.diagnostics.sorted();
  REQUIRE(d.size() == 1);
  CHECK(schema::format(d[0]) ==
        "/nonexistent/host.yaml: error: cannot read the spec: No such file or directory");
}
