// Tests for what libvirt saved of VFs that guests' interfaces hold: LinuxHost's reader of its
// files (libvirt_saved_vfs.h), the state file carrying it, and the planner converging after a
// live detach in which libvirt gives the VF its saved MAC and VLAN back.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "reconcile/apply.h"
#include "reconcile/host/libvirt_saved_vfs.h"
#include "reconcile/simulated/simulated_host.h"
#include "reconcile/state_file.h"
#include "tests/unit/lab_state.h"
#include "tests/unit/test_helpers.h"

namespace rc = sriov::reconcile;
namespace fs = std::filesystem;
using rc::LibvirtSavedVf;

namespace {

// As libvirt 9 writes it (virJSONValueToString pretty-printed): a VF with an all-zero admin MAC
// that had an igbvf netdev, seen in tests/e2e 16.
const char* kLibvirt9 =
    "{\n  \"adminMac\": \"00:00:00:00:00:00\",\n  \"vlanTag\": 0,\n  \"mac\": "
    "\"52:9D:3D:FA:1B:E6\"\n}\n";

struct TempDir {
  fs::path path;
  TempDir() {
    char name[] = "/tmp/sriov-saved-XXXXXX";
    REQUIRE(::mkdtemp(name));
    path = name;
  }
  ~TempDir() { fs::remove_all(path); }
};

rc::ObservedState twoPfs() {
  rc::ObservedState s;
  for (const char* name : {"enp3s0f0", ""}) {
    rc::ObservedPf pf;
    pf.name = name;
    pf.pci = *name ? "0000:03:00.0" : "0000:05:00.0";
    for (unsigned i = 0; i < 3; ++i) {
      rc::ObservedVf vf;
      vf.index = i;
      pf.vfs.push_back(vf);
    }
    s.pfs.push_back(pf);
  }
  return s;
}

}  // namespace

TEST_CASE("parseLibvirtSaved takes libvirt's file forms and nothing else") {
  SUBCASE("libvirt 9's JSON: MACs normalised") {
    std::optional<LibvirtSavedVf> saved = rc::parseLibvirtSaved(kLibvirt9);
    REQUIRE(saved);
    CHECK(saved->adminMac == "00:00:00:00:00:00");
    CHECK(saved->vlanTag == 0u);
    CHECK(saved->mac == "52:9d:3d:fa:1b:e6");
    CHECK(saved->restoredMac() == "52:9d:3d:fa:1b:e6");
  }
  SUBCASE("a VF without netdev then: no mac, the admin MAC is given back") {
    std::optional<LibvirtSavedVf> saved =
        rc::parseLibvirtSaved(R"({"adminMac": "02:00:00:00:10:01", "vlanTag": 100})");
    REQUIRE(saved);
    CHECK(saved->mac.empty());
    CHECK(saved->vlanTag == 100u);
    CHECK(saved->restoredMac() == "02:00:00:00:10:01");
  }
  SUBCASE("the old two-line and one-line forms") {
    std::optional<LibvirtSavedVf> two = rc::parseLibvirtSaved("02:00:00:00:10:01\n42\n");
    REQUIRE(two);
    CHECK(two->adminMac == "02:00:00:00:10:01");
    CHECK(two->vlanTag == 42u);
    CHECK(two->mac.empty());
    std::optional<LibvirtSavedVf> one = rc::parseLibvirtSaved("02:00:00:00:10:01\n");
    REQUIRE(one);
    CHECK(one->mac == "02:00:00:00:10:01");
    CHECK_FALSE(one->vlanTag);
  }
  SUBCASE("what libvirt would refuse, and odd bytes, are nothing saved") {
    for (const char* text : {"", "{}", "[1]", "{\"vlanTag\": 3}", "{\"adminMac\": 7}",
                             "{\"adminMac\": \"\x01\xff<x>\"}", "02:00:00:00:10:01\nx\n", "zz:00",
                             "{\"mac\": \"52:54:00:00:00:01\""}) {
      CAPTURE(text);
      CHECK_FALSE(rc::parseLibvirtSaved(text));
    }
  }
  SUBCASE("a VLAN out of range is left out, the MAC kept") {
    std::optional<LibvirtSavedVf> saved =
        rc::parseLibvirtSaved(R"({"adminMac": "02:00:00:00:10:01", "vlanTag": 5000})");
    REQUIRE(saved);
    CHECK_FALSE(saved->vlanTag);
  }
}

TEST_CASE("readLibvirtSavedVfs reads <pf>_vf<index>, bounded, never through a link") {
  TempDir dir;
  rc::ObservedState state = twoPfs();
  sriov::test::writeText((dir.path / "enp3s0f0_vf0").string(), kLibvirt9);
  sriov::test::writeText((dir.path / "enp3s0f0_vf1.tmp").string(), kLibvirt9);  // no such name
  sriov::test::writeText((dir.path / "secret").string(), kLibvirt9);
  fs::create_symlink(dir.path / "secret", dir.path / "enp3s0f0_vf1");
  fs::create_directory(dir.path / "enp3s0f0_vf2");
  sriov::test::writeText((dir.path / "enp3s0f0_vf2" / "x").string(), kLibvirt9);

  SUBCASE("a regular file is read; a link, a folder and other names are not") {
    CHECK(rc::readLibvirtSavedVfs(dir.path.string(), state) == 1);
    REQUIRE(state.pfs[0].vfs[0].libvirtSaved);
    CHECK(state.pfs[0].vfs[0].libvirtSaved->mac == "52:9d:3d:fa:1b:e6");
    CHECK_FALSE(state.pfs[0].vfs[1].libvirtSaved);
    CHECK_FALSE(state.pfs[0].vfs[2].libvirtSaved);
    for (const rc::ObservedVf& vf : state.pfs[1].vfs) CHECK_FALSE(vf.libvirtSaved);  // no netdev
  }
  SUBCASE("a file longer than the bound is nothing saved") {
    std::string padded = kLibvirt9;
    padded.insert(1, rc::kMaxLibvirtSavedBytes, ' ');
    REQUIRE(rc::parseLibvirtSaved(padded));  // valid JSON: only the bound refuses it
    sriov::test::writeText((dir.path / "enp3s0f0_vf0").string(), padded);
    CHECK(rc::readLibvirtSavedVfs(dir.path.string(), state) == 0);
    CHECK_FALSE(state.pfs[0].vfs[0].libvirtSaved);
  }
  SUBCASE("a missing folder, or a link to one, is nothing saved") {
    CHECK(rc::readLibvirtSavedVfs((dir.path / "absent").string(), state) == 0);
    fs::create_directory_symlink(dir.path, dir.path / "link");
    CHECK(rc::readLibvirtSavedVfs((dir.path / "link").string(), state) == 0);
    CHECK_FALSE(state.pfs[0].vfs[0].libvirtSaved);
  }
}

TEST_CASE("the state file carries libvirt's saved VF settings") {
  rc::ObservedState state = sriov::testing::labState();
  rc::ObservedVf& held = state.pfs[2].vfs[0];  // web1's VF
  REQUIRE(held.pci == "0000:04:10.0");
  held.libvirtSaved = LibvirtSavedVf{"00:00:00:00:00:00", 0u, "52:9d:3d:fa:1b:e6"};
  state.pfs[2].vfs[1].libvirtSaved = LibvirtSavedVf{"02:00:00:00:10:01", std::nullopt, ""};
  std::string yaml = rc::toStateYaml(state);
  CHECK(yaml.find("libvirtSaved:") != std::string::npos);
  sriov::Result<rc::ObservedState> back = rc::parseStateYaml(yaml, "s.yaml");
  REQUIRE(back.ok());
  CHECK(back->pfs[2].vfs[0].libvirtSaved == held.libvirtSaved);
  CHECK(back->pfs[2].vfs[1].libvirtSaved == state.pfs[2].vfs[1].libvirtSaved);
  CHECK_FALSE(back->pfs[2].vfs[2].libvirtSaved);
  CHECK(*back == state);

  std::string bad = yaml;
  size_t at = bad.find("52:9d:3d:fa:1b:e6");
  REQUIRE(at != std::string::npos);
  bad.replace(at, 17, "52:9d:3d:fa:1b:zz");
  sriov::Result<rc::ObservedState> refused = rc::parseStateYaml(bad, "s.yaml");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("libvirtSaved.mac: bad MAC address '52:9d:3d:fa:1b:zz'") !=
        std::string::npos);
  CHECK(refused.error().message.find("s.yaml:") == 0);
}

TEST_CASE("the spec's host-side MAC and VLAN win over what libvirt restores on a detach") {
  // web1 holds VF 0 of enp4s0f0 (MAC ...a1:00:01, VLAN 100, set by libvirt); libvirt saved the
  // VF as it was before: no admin MAC, VLAN 0, an ixgbevf netdev with a MAC of its own. The
  // spec moves web1 to VF 2 (hotplug) and may set VF 0's MAC or VLAN host-side.
  struct Case {
    const char* name;
    const char* vf0;  // the spec's vfs entry for VF 0, empty: none
    const char* mac;  // VF 0's MAC after the apply
    unsigned vlan;
  };
  const Case cases[] = {
      {"no host-side setting: libvirt's copy", "", "02:9d:3d:fa:1b:e6", 0},
      {"a host-side MAC", "mac: \"02:00:00:00:20:00\"", "02:00:00:00:20:00", 0},
      {"the guest's own MAC host-side", "mac: \"52:54:00:a1:00:01\"", "52:54:00:a1:00:01", 0},
      {"the guest's VLAN host-side", "vlan: 100", "02:9d:3d:fa:1b:e6", 100},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    rc::ObservedState state = sriov::testing::labState();
    rc::ObservedVf& held = state.pfs[2].vfs[0];
    REQUIRE(held.pci == "0000:04:10.0");
    held.libvirtSaved = LibvirtSavedVf{"00:00:00:00:00:00", 0u, "02:9d:3d:fa:1b:e6"};
    rc::SimulatedHost host(state);
    std::string text = sriov::test::kHeader + "pfs:\n  - name: enp4s0f0\n    numVfs: 4\n" +
                       (*c.vf0 ? std::string("    vfs:\n      - index: 0\n        ") + c.vf0 + "\n"
                               : std::string()) +
                       "guests:\n  - name: web1\n    onDisruption: hotplug\n    interfaces:\n"
                       "      - vf: {pf: enp4s0f0, index: 2}\n        mac: \"52:54:00:a1:00:03\"\n";
    sriov::schema::LoadResult spec = sriov::schema::loadSpec(text, "t.yaml");
    REQUIRE_MESSAGE(!spec.diagnostics.hasErrors(), sriov::test::diagnosticsOf(spec).front());
    rc::ApplySettings settings;
    settings.execute.jobs = 4;
    rc::ApplyReport first = rc::apply(spec.spec, host, settings);
    // Each setting of VF 0 waits for its live detach, whatever runs at once (--jobs).
    std::vector<int> detaches;
    for (const rc::Action& a : first.plan.actions)
      if (a.kind == rc::ActionKind::detachDevice && a.target == "guest/web1/ua-sriov-net0")
        detaches.push_back(a.id);
    REQUIRE(detaches.size() == 1);
    for (const rc::Action& a : first.plan.actions) {
      if (a.kind != rc::ActionKind::setVf || a.target != "vf/enp4s0f0/0") continue;
      CAPTURE(a.after);
      CHECK(std::find(a.after.begin(), a.after.end(), detaches[0]) != a.after.end());
    }
    std::string differences;
    for (const std::string& d : first.differences) differences += d + "\n";
    INFO(differences);
    CHECK(std::string(toString(first.status)) == "converged");
    const rc::ObservedVf& vf0 = host.state().pfs[2].vfs[0];
    CHECK(vf0.driver == "ixgbevf");
    CHECK(vf0.settings.mac == c.mac);
    CHECK(vf0.settings.vlan == c.vlan);
    CHECK_FALSE(vf0.libvirtSaved);                   // libvirt forgot it
    CHECK(host.state().pfs[2].vfs[2].libvirtSaved);  // and saved VF 2 instead
    rc::ApplyReport second = rc::apply(spec.spec, host, settings);
    CHECK(std::string(toString(second.status)) == "no-changes");
  }
}
