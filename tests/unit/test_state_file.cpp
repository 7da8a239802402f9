// Tests for the state file: exact layout, round trips, JSON, and every load error word for word.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "reconcile/state_file.h"
#include "tests/unit/lab_state.h"

using sriov::reconcile::GuestDevice;
using sriov::reconcile::ObservedState;
using sriov::reconcile::parseStateYaml;
using sriov::reconcile::toStateJson;
using sriov::reconcile::toStateYaml;

namespace {

// A small but complete state file, as toStateYaml writes it.
const std::string kSmall = R"(apiVersion: sriov-apply/v1
kind: HostState
hostname: h1
iommuEnabled: false
selinuxVirtUseSysfs: true
pfs:
  - name: eth0
    pci: "0000:01:00.0"
    driver: igb
    vendorId: "0x8086"
    deviceId: "0x10c9"
    totalVfs: 7
    numVfs: 1
    vfOffset: 128
    vfStride: 2
    linkUp: true
    vfs:
      - index: 0
        pci: "0000:01:10.0"
        netdev: eth0v0
        driver: igbvf
        mac: "02:00:00:00:00:01"
        vlan: 42
        qos: 3
        trust: true
        linkState: disable
        minTxRate: 10
        maxTxRate: 100
networks:
  - name: pool
    active: false
    autostart: true
    persistent: true
    xml: |
      <network>
        <name>pool</name>
        <forward mode='hostdev' managed='yes'>
          <pf dev='eth0'/>
        </forward>
      </network>
domains:
  - name: g1
    state: paused
    autostart: false
    persistent: false
    xml: |
      <domain type='kvm' id='3'>
        <name>g1</name>
        <devices>
          <hostdev mode='subsystem' type='pci' managed='yes'>
            <source>
              <address domain='0x0000' bus='0x01' slot='0x10' function='0x0'/>
            </source>
          </hostdev>
        </devices>
      </domain>
    inactiveXml: |
      <domain type='kvm'>
        <name>g1</name>
      </domain>
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

std::string loadError(const std::string& text) {
  auto result = parseStateYaml(text, "s.yaml");
  REQUIRE_FALSE(result.ok());
  return result.error().message;
}

}  // namespace

TEST_CASE("a state file loads with derived fields recomputed from the XML") {
  auto loaded = parseStateYaml(kSmall, "s.yaml");
  REQUIRE_MESSAGE(loaded.ok(), loaded.error().message);
  const ObservedState& s = *loaded;
  CHECK(s.hostname == "h1");
  CHECK_FALSE(s.iommuEnabled);
  CHECK(s.selinuxVirtUseSysfs == true);
  REQUIRE(s.pfs.size() == 1);
  CHECK(s.pfs[0].iommuGroup == -1);
  REQUIRE(s.pfs[0].vfs.size() == 1);
  const auto& vf = s.pfs[0].vfs[0];
  CHECK(vf.settings.mac == "02:00:00:00:00:01");
  CHECK(vf.settings.vlan == 42);
  CHECK(vf.settings.qos == 3);
  CHECK_FALSE(vf.settings.spoofCheck);
  CHECK(vf.settings.trust == true);
  CHECK(std::string(toString(vf.settings.linkState)) == "disable");
  CHECK(vf.settings.minTxRate == 10);
  CHECK(vf.settings.maxTxRate == 100);
  REQUIRE(s.networks.size() == 1);
  CHECK(s.networks[0].forwardMode == "hostdev");
  CHECK(s.networks[0].pfDev == "eth0");
  CHECK(s.networks[0].managed);
  CHECK_FALSE(s.networks[0].owned);
  REQUIRE(s.domains.size() == 1);
  const auto& d = s.domains[0];
  CHECK(std::string(toString(d.state)) == "paused");
  CHECK_FALSE(d.persistent);
  REQUIRE(d.liveDevices.size() == 1);
  CHECK(d.liveDevices[0].kind == GuestDevice::Kind::hostdev);
  CHECK(d.liveDevices[0].pci == "0000:01:10.0");
  CHECK(d.configDevices.empty());
}

TEST_CASE("a domain's XML given once and aliased for inactiveXml loads as both") {
  // The loader moves each XML out of the tree; one an alias also names is copied.
  auto loaded = parseStateYaml(
      replaced(replaced(kSmall, "    xml: |\n      <domain type='kvm' id='3'>",
                        "    xml: &live |\n      <domain type='kvm' id='3'>"),
               "    inactiveXml: |\n      <domain type='kvm'>\n        <name>g1</name>\n"
               "      </domain>\n",
               "    inactiveXml: *live\n"),
      "s.yaml");
  REQUIRE_MESSAGE(loaded.ok(), loaded.error().message);
  const auto& d = loaded->domains[0];
  CHECK(d.xml.find("<name>g1</name>") != std::string::npos);
  CHECK(d.inactiveXml == d.xml);
  CHECK(d.configDevices.size() == 1);
}

TEST_CASE("toStateYaml writes the fixed layout, and loading it reproduces it byte for byte") {
  auto loaded = parseStateYaml(kSmall, "s.yaml");
  REQUIRE(loaded.ok());
  CHECK(toStateYaml(*loaded) == kSmall);

  ObservedState lab = sriov::testing::labState();
  std::string yaml = toStateYaml(lab);
  auto back = parseStateYaml(yaml, "lab.yaml");
  REQUIRE_MESSAGE(back.ok(), back.error().message);
  CHECK(*back == lab);
  CHECK(toStateYaml(*back) == yaml);
}

TEST_CASE("toStateYaml sorts PFs by PCI address and networks and domains by name") {
  ObservedState lab = sriov::testing::labState();
  ObservedState shuffled = lab;
  std::swap(shuffled.pfs[0], shuffled.pfs[3]);
  std::swap(shuffled.domains[0], shuffled.domains[2]);
  CHECK(toStateYaml(shuffled) == toStateYaml(lab));
}

TEST_CASE("a state file's domains, listed in any order, load sorted: findDomain finds each") {
  // findDomain searches by halves: it relies on the load sorting the domains by name.
  std::string text = "apiVersion: sriov-apply/v1\nkind: HostState\nhostname: h\ndomains:\n";
  const std::vector<std::string> names = {"web-3", "db", "web-10", "a", "zz", "m"};
  for (const std::string& name : names) {
    text += "  - name: " + name + "\n    state: shutoff\n    xml: |\n      <domain><name>" + name +
            "</name></domain>\n";
  }
  auto loaded = parseStateYaml(text, "s.yaml");
  REQUIRE(loaded.ok());
  std::vector<std::string> order;
  for (const auto& d : loaded->domains) order.push_back(d.name);
  CHECK(order == std::vector<std::string>{"a", "db", "m", "web-10", "web-3", "zz"});
  for (const std::string& name : names) {
    const sriov::reconcile::ObservedDomain* d = loaded->findDomain(name);
    REQUIRE(d);
    CHECK(d->name == name);
  }
  for (const char* missing : {"", "0", "b", "web-2", "zzz"}) CHECK(!loaded->findDomain(missing));
}

TEST_CASE("a minimal state file: defaults for everything optional") {
  auto s = parseStateYaml(
      "apiVersion: sriov-apply/v1\nkind: HostState\nhostname: h\n"
      "pfs:\n  - pci: 01:00.0\n    totalVfs: 7\n    numVfs: 1\n    vfOffset: 128\n    vfStride: 2\n"
      "    vfs:\n"
      "      - {index: 0, pci: 01:10.0}\n"
      "domains:\n  - {name: d, state: shutoff, xml: <domain/>}\n",
      "m.yaml");
  REQUIRE_MESSAGE(s.ok(), s.error().message);
  CHECK(s->pfs[0].pci == "0000:01:00.0");
  CHECK(s->pfs[0].vfs[0].pci == "0000:01:10.0");
  CHECK(s->pfs[0].vfs[0].settings == sriov::reconcile::VfNetlink{});
  CHECK(s->domains[0].inactiveXml == "<domain/>");
  CHECK(s->domains[0].persistent);
  CHECK(s->networks.empty());
}

TEST_CASE("toStateJson has the same content as the YAML") {
  auto loaded = parseStateYaml(kSmall, "s.yaml");
  REQUIRE(loaded.ok());
  nlohmann::json j = toStateJson(*loaded);
  CHECK(j["apiVersion"] == "sriov-apply/v1");
  CHECK(j["kind"] == "HostState");
  CHECK(j["selinuxVirtUseSysfs"] == true);
  CHECK(j["pfs"][0]["vfs"][0] == nlohmann::json::parse(R"({
    "index": 0, "pci": "0000:01:10.0", "netdev": "eth0v0", "driver": "igbvf",
    "mac": "02:00:00:00:00:01", "vlan": 42, "qos": 3, "trust": true, "linkState": "disable",
    "minTxRate": 10, "maxTxRate": 100})"));
  CHECK(j["networks"][0]["xml"] == loaded->networks[0].xml);
  CHECK(j["domains"][0]["inactiveXml"] == loaded->domains[0].inactiveXml);
  CHECK_FALSE(j["pfs"][0].contains("iommuGroup"));
  CHECK_FALSE(j["networks"][0].contains("pfDev"));  // derived, not written
  CHECK(j.size() == 8);
}

TEST_CASE("state file load errors") {
  SUBCASE("YAML syntax") {
    CHECK(loadError("apiVersion: [\n") == "s.yaml:2:1: end of sequence flow not found");
  }
  SUBCASE("not a map") {
    CHECK(loadError("- a\n") == "s.yaml:1:1: a state file must be a mapping, got a sequence");
    CHECK(loadError("") == "s.yaml:1:1: a state file must be a mapping, got nothing");
  }
  SUBCASE("apiVersion and kind come first") {
    CHECK(loadError(replaced(kSmall, "sriov-apply/v1", "sriov-apply/v2")) ==
          "s.yaml:1:13: unsupported apiVersion 'sriov-apply/v2', expected 'sriov-apply/v1'");
    CHECK(loadError(replaced(kSmall, "kind: HostState", "kind: Plan")) ==
          "s.yaml:2:7: unknown kind 'Plan', expected 'HostState'");
    CHECK(loadError("apiVersion: sriov-apply/v1\npfs: []\nguests: []\n") ==
          "s.yaml:1:1: a state file needs 'kind'");
  }
  SUBCASE("missing keys") {
    CHECK(loadError(replaced(kSmall, "hostname: h1\n", "")) ==
          "s.yaml:1:1: a state file needs 'hostname'");
    CHECK(loadError(replaced(kSmall, "    pci: \"0000:01:00.0\"\n", "")) ==
          "s.yaml:7:5: a PF needs 'pci'");
    CHECK(loadError(replaced(kSmall, "        pci: \"0000:01:10.0\"\n", "")) ==
          "s.yaml:18:9: a VF needs 'pci'");
    CHECK(loadError(replaced(kSmall, "    state: paused\n", "")) ==
          "s.yaml:42:5: a domain needs 'state'");
  }
  SUBCASE("unknown and duplicate keys") {
    CHECK(loadError(replaced(kSmall, "    driver: igb\n", "    drivr: igb\n")) ==
          "s.yaml:9:5: unknown key 'drivr' in a PF; did you mean 'driver'?");
    CHECK(loadError(replaced(kSmall, "hostname: h1\n", "hostname: h1\nguests: []\n")) ==
          "s.yaml:4:1: unknown key 'guests' in a state file; expected 'apiVersion', 'kind', "
          "'hostname', 'iommuEnabled', 'selinuxVirtUseSysfs', 'pciDrivers', 'files', 'pfs', "
          "'networks' or 'domains'");
    CHECK(loadError(
              replaced(kSmall, "    active: false\n", "    active: false\n    active: true\n")) ==
          "s.yaml:32:5: duplicate key 'active' (first at 31:5)");
  }
  SUBCASE("wrong types") {
    CHECK(loadError(replaced(kSmall, "numVfs: 1", "numVfs: one")) ==
          "s.yaml:13:13: 'numVfs' must be an integer, got \"one\"");
    CHECK(loadError(replaced(kSmall, "vlan: 42", "vlan: -1")) ==
          "s.yaml:23:15: 'vlan' must be between 0 and 4095, got -1");
    CHECK(loadError(replaced(kSmall, "linkUp: true", "linkUp: yes")) ==
          "s.yaml:16:13: 'linkUp' must be true or false, got \"yes\"");
    CHECK(loadError(replaced(kSmall, "hostname: h1", "hostname: [h1]")) ==
          "s.yaml:3:11: 'hostname' must be a string, got a sequence");
    CHECK(
        loadError("apiVersion: sriov-apply/v1\nkind: HostState\nhostname: h\nnetworks: {a: 1}\n") ==
        "s.yaml:4:11: 'networks' must be a sequence, got a mapping");
    CHECK(loadError(
              replaced(kSmall, "    linkUp: true\n", "    linkUp: true\n    iommuGroup: x\n")) ==
          "s.yaml:17:17: 'iommuGroup' must be an integer, got \"x\"");
    CHECK(loadError(replaced(kSmall, "pfs:\n", "pfs:\n  - 7\n")) ==
          "s.yaml:7:5: a PF must be a mapping, got \"7\"");
  }
  SUBCASE("bad values") {
    CHECK(loadError(replaced(kSmall, "\"0000:01:00.0\"", "0000:01:00.8")) ==
          "s.yaml:8:10: \"0000:01:00.8\" is not a PCI address; write domain:bus:slot.function, "
          "e.g. 0000:0b:00.0 or 0b:00.0");
    CHECK(loadError(replaced(kSmall, "\"02:00:00:00:00:01\"", "02:00")) ==
          "s.yaml:22:14: pfs[0].vfs[0].mac: bad MAC address '02:00'");
    CHECK(loadError(replaced(kSmall, "linkState: disable", "linkState: down")) ==
          "s.yaml:26:20: 'linkState' must be one of auto, enable, disable; got \"down\"");
    CHECK(loadError(replaced(kSmall, "state: paused", "state: crashed")) ==
          "s.yaml:43:12: 'state' must be one of running, paused, shutoff, other; got \"crashed\"");
  }
  SUBCASE("VF list does not match numVfs") {
    CHECK(loadError(replaced(kSmall, "numVfs: 1", "numVfs: 2")) ==
          "s.yaml:18:7: pfs[0].vfs: numVfs is 2 but 1 VFs are listed");
    CHECK(loadError(replaced(kSmall, "      - index: 0", "      - index: 1")) ==
          "s.yaml:18:16: pfs[0].vfs[0].index: expected 0, got 1");
  }
  SUBCASE("XML that does not parse, or disagrees") {
    CHECK(
        loadError(replaced(kSmall, "        <name>pool</name>\n", "        <name>pool</nam>\n")) ==
        "s.yaml:34:10: networks[0].xml: cannot parse network XML: Start-end tags mismatch at "
        "offset 24");
    CHECK(loadError(replaced(kSmall, "<name>pool</name>", "<name>other</name>")) ==
          "s.yaml:30:11: networks[0].name: 'pool' does not match the network XML's <name> "
          "'other'");
  }
  SUBCASE("a domain whose XML cannot be read loads, marked unreadable, without devices") {
    auto loaded = parseStateYaml(
        replaced(kSmall, "      </domain>\n    inactiveXml", "    inactiveXml"), "s.yaml");
    REQUIRE_MESSAGE(loaded.ok(), loaded.error().message);
    REQUIRE(loaded->domains.size() == 1);
    const sriov::reconcile::ObservedDomain& d = loaded->domains[0];
    CHECK(d.unreadable ==
          "its live XML: cannot parse domain XML: Start-end tags mismatch at offset 244");
    CHECK(d.liveDevices.empty());
    CHECK(d.configDevices.empty());
  }
  SUBCASE("duplicates") {
    std::string twice = replaced(kSmall, "domains:\n",
                                 "domains:\n  - {name: g1, state: shutoff, xml: <domain/>}\n");
    CHECK(loadError(twice) == "s.yaml:43:11: domains[1].name: duplicate domain 'g1'");
  }
}

// Issue 11, defect 8: what no kernel or libvirt could report is refused, with its position.
TEST_CASE("a state file's error carries its place as values, not only in the message") {
  auto state = parseStateYaml(replaced(kSmall, "    driver: igb\n", "    drivr: igb\n"), "s.yaml");
  REQUIRE_FALSE(state.ok());
  CHECK(state.error().line == 9);
  CHECK(state.error().col == 5);
  CHECK(state.error().detail == "unknown key 'drivr' in a PF; did you mean 'driver'?");
  CHECK(state.error().message == "s.yaml:9:5: " + state.error().detail);
  // A YAML syntax error and a second document are placed too.
  auto broken = parseStateYaml("apiVersion: [\n", "s.yaml");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().line == 2);
  CHECK(broken.error().col == 1);
  auto two = parseStateYaml(kSmall + "---\na: 1\n", "s.yaml");
  REQUIRE_FALSE(two.ok());
  CHECK(two.error().line > 1);
  CHECK(two.error().detail.find("expected one YAML document") == 0);
}

TEST_CASE("state files that no kernel could produce are refused") {
  // Two PFs of one card, each with 2 VFs where offset and stride put them.
  const std::string two = R"(apiVersion: sriov-apply/v1
kind: HostState
hostname: h
pfs:
  - name: a0
    pci: "0000:01:00.0"
    totalVfs: 4
    numVfs: 2
    vfOffset: 128
    vfStride: 2
    vfs:
      - {index: 0, pci: "0000:01:10.0", netdev: a0v0}
      - {index: 1, pci: "0000:01:10.2", netdev: a0v1}
  - name: a1
    pci: "0000:01:00.1"
    totalVfs: 4
    numVfs: 2
    vfOffset: 128
    vfStride: 2
    vfs:
      - {index: 0, pci: "0000:01:10.1", netdev: a1v0}
      - {index: 1, pci: "0000:01:10.3", netdev: a1v1}
)";
  REQUIRE_MESSAGE(parseStateYaml(two, "s.yaml").ok(),
                  parseStateYaml(two, "s.yaml").error().message);
  SUBCASE("stride 0 puts VFs at one address") {
    CHECK(loadError(replaced(two, "    vfStride: 2\n", "    vfStride: 0\n")) ==
          "s.yaml:10:15: pfs[0].vfStride: 0 puts every VF at one PCI address; a device with 4 VFs "
          "has a VF stride of at least 1 (sriov_stride)");
    CHECK(loadError(replaced(two, "    vfStride: 2\n", "")) ==
          "s.yaml:5:5: pfs[0].vfStride: 0 puts every VF at one PCI address; a device with 4 VFs "
          "has a VF stride of at least 1 (sriov_stride)");
    CHECK(loadError(replaced(two, "    vfOffset: 128\n", "    vfOffset: 0\n")) ==
          "s.yaml:9:15: pfs[0].vfOffset: 0 puts VF 0 at the PF's own address 0000:01:00.0; a "
          "device with VFs has a VF offset of at least 1 (sriov_offset)");
  }
  SUBCASE("a VF not where offset and stride put it") {
    CHECK(loadError(replaced(two, "pci: \"0000:01:10.2\"", "pci: \"0000:01:10.4\"")) ==
          "s.yaml:13:25: pfs[0].vfs[1].pci: 0000:01:10.4 is not where the kernel puts VF 1 of "
          "0000:01:00.0: 0000:01:10.2 (vfOffset 128 + 1 x vfStride 2)");
  }
  SUBCASE("two VFs at one address, also across PFs") {
    // a1's offset 125 puts its VF 1 at 0000:01:10.0, where a0's VF 0 is.
    std::string clash = replaced(
        two,
        "    vfOffset: 128\n    vfStride: 2\n    vfs:\n      - {index: 0, pci: \"0000:01:10.1\", "
        "netdev: a1v0}\n      - {index: 1, pci: \"0000:01:10.3\", netdev: a1v1}",
        "    vfOffset: 125\n    vfStride: 2\n    vfs:\n      - {index: 0, pci: \"0000:01:0f.6\", "
        "netdev: a1v0}\n      - {index: 1, pci: \"0000:01:10.0\", netdev: a1v1}");
    CHECK(loadError(clash) ==
          "s.yaml:22:25: pfs[1].vfs[1].pci: PCI address 0000:01:10.0 is also pfs[0].vfs[0].pci");
    // A VF at the address of a PF listed after it.
    const std::string a1 = two.substr(two.find("  - name: a1"));
    std::string onPf =
        replaced(two, a1, "  - {name: a1, pci: \"0000:01:10.2\", totalVfs: 0, numVfs: 0}\n");
    CHECK(loadError(onPf) ==
          "s.yaml:14:21: pfs[1].pci: PCI address 0000:01:10.2 is also pfs[0].vfs[1].pci");
  }
  SUBCASE("a PCI address used by two PFs") {
    const std::string a1 = two.substr(two.find("  - name: a1"));
    std::string dup =
        replaced(two, a1, "  - {name: a1, pci: \"0000:01:00.0\", totalVfs: 0, numVfs: 0}\n");
    CHECK(loadError(dup) == "s.yaml:14:21: pfs[1].pci: duplicate PF 0000:01:00.0");
  }
  SUBCASE("a VF listed twice, out of range, out of order") {
    CHECK(loadError(replaced(two, "{index: 1, pci: \"0000:01:10.2\"",
                             "{index: 0, pci: \"0000:01:10.0\"")) ==
          "s.yaml:13:17: pfs[0].vfs[1].index: VF 0 is listed twice (also pfs[0].vfs[0])");
    std::string high = replaced(two, "numVfs: 2", "numVfs: 1");
    high = replaced(high, "      - {index: 0, pci: \"0000:01:10.0\", netdev: a0v0}\n", "");
    high = replaced(high, "{index: 1, pci: \"0000:01:10.2\"", "{index: 9, pci: \"0000:01:10.2\"");
    CHECK(loadError(high) == "s.yaml:12:17: pfs[0].vfs[0].index: 9 is out of range: totalVfs is 4");
    std::string first = replaced(two, "numVfs: 2", "numVfs: 1");
    first = replaced(first, "      - {index: 0, pci: \"0000:01:10.0\", netdev: a0v0}\n", "");
    CHECK(loadError(first) == "s.yaml:12:17: pfs[0].vfs[0].index: expected 0, got 1");
  }
  SUBCASE("numVfs disagreeing with the VF list, or above totalVfs") {
    CHECK(loadError(replaced(two, "numVfs: 2", "numVfs: 3")) ==
          "s.yaml:12:7: pfs[0].vfs: numVfs is 3 but 2 VFs are listed");
    CHECK(loadError(replaced(two, "numVfs: 2", "numVfs: 5")) ==
          "s.yaml:8:13: pfs[0].numVfs: 5 is more than totalVfs 4 (the kernel refuses more VFs "
          "than the device has)");
  }
  SUBCASE("an interface name used twice") {
    CHECK(loadError(replaced(two, "name: a1", "name: a0")) ==
          "s.yaml:14:11: pfs[1].name: interface 'a0' is also pfs[0].name");
    CHECK(loadError(replaced(two, "netdev: a1v1", "netdev: a0v0")) ==
          "s.yaml:22:49: pfs[1].vfs[1].netdev: interface 'a0v0' is also pfs[0].vfs[0].netdev");
  }
  SUBCASE("duplicate network and guest names") {
    std::string nets = two +
                       "networks:\n  - {name: n, xml: \"<network><name>n</name></network>\"}\n"
                       "  - {name: n, xml: \"<network><name>n</name></network>\"}\n";
    CHECK(loadError(nets) == "s.yaml:25:12: networks[1].name: duplicate network 'n'");
    std::string guests = two +
                         "domains:\n  - {name: g, state: shutoff, xml: <domain/>}\n"
                         "  - {name: g, state: shutoff, xml: <domain/>}\n";
    CHECK(loadError(guests) == "s.yaml:25:12: domains[1].name: duplicate domain 'g'");
  }
}

TEST_CASE("loadStateFile names a file it cannot read") {
  auto r = sriov::reconcile::loadStateFile("/nonexistent/state.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        "cannot read state file '/nonexistent/state.yaml': No such file or directory");
  CHECK(r.error().code == ENOENT);
}

TEST_CASE("a transient domain (no persistent definition) round-trips") {
  sriov::reconcile::ObservedState s = sriov::testing::labState();
  sriov::reconcile::ObservedDomain& web1 = s.domains.back();
  web1.persistent = false;
  web1.inactiveXml.clear();
  web1.configDevices.clear();
  std::string text = sriov::reconcile::toStateYaml(s);
  sriov::Result<sriov::reconcile::ObservedState> back =
      sriov::reconcile::parseStateYaml(text, "t.yaml");
  REQUIRE_MESSAGE(back.ok(), back.error().message);
  CHECK(*back == s);
}
