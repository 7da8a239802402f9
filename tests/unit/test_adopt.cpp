// Adopting a host sriov-apply did not set up (issue 13): unmanaged devices, devices without a
// ua-sriov- alias, and XML the spec does not model, through show --as-spec, plan and apply.
#include <doctest/doctest.h>

#include <string>

#include "reconcile/apply.h"
#include "reconcile/as_spec.h"
#include "reconcile/domain_xml.h"
#include "reconcile/persistence.h"
#include "reconcile/planner.h"
#include "reconcile/rollback.h"
#include "reconcile/simulated/simulated_host.h"
#include "schema/loader.h"
#include "schema/vlan.h"
#include "tests/unit/lab_state.h"

namespace rc = sriov::reconcile;
using rc::ObservedState;

namespace {

// Written by hand the RHEL way: no alias, no managed on the interface (libvirt reads 'no'), a
// managed='no' hostdev, and what the spec does not model (driver, rom, boot order, guest address).
const char* kHandMade = R"(    <interface type='hostdev'>
      <mac address='52:54:00:0a:0b:0c'/>
      <driver name='vfio'/>
      <source>
        <address type='pci' domain='0x0000' bus='0x04' slot='0x10' function='0x4'/>
      </source>
      <rom bar='off'/>
      <boot order='2'/>
      <address type='pci' domain='0x0000' bus='0x07' slot='0x00' function='0x0'/>
    </interface>
    <hostdev mode='subsystem' type='pci' managed='no'>
      <source>
        <address domain='0x0000' bus='0x04' slot='0x10' function='0x6'/>
      </source>
      <address type='pci' domain='0x0000' bus='0x08' slot='0x00' function='0x0'/>
    </hostdev>
)";

ObservedState adoptState(const std::string& vfDriver) {
  ObservedState state = sriov::testing::labState();
  rc::ObservedDomain d;
  d.name = "adopt1";
  d.state = rc::DomainState::shutoff;
  d.inactiveXml = d.xml =
      sriov::testing::domainXml("adopt1", "0e6f4a1c-3b2d-4c5e-9f8a-7b6c5d4e3f21", kHandMade);
  d.configDevices = rc::parseGuestDevices(d.inactiveXml).value();
  state.domains.insert(state.domains.begin(), d);
  for (unsigned i : {2u, 3u}) {
    state.pfs[2].vfs[i].driver = vfDriver;
    if (vfDriver == "vfio-pci") state.pfs[2].vfs[i].netdev.clear();
  }
  return state;
}

sriov::schema::Spec asSpec(const ObservedState& state) {
  sriov::schema::LoadResult r = sriov::schema::loadSpec(rc::toSpecYaml(state), "as-spec.yaml");
  REQUIRE_FALSE(r.diagnostics.hasErrors());
  return r.spec;
}

size_t warningsAbout(const rc::Plan& plan, const std::string& text) {
  size_t n = 0;
  for (const rc::Finding& f : plan.preflight)
    n += f.severity == rc::FindingSeverity::warning && f.message.find(text) != std::string::npos;
  return n;
}

// The as-spec of state with adopt1's interface on VLAN 7.
sriov::schema::Spec vlan7Spec(const ObservedState& state) {
  sriov::schema::Spec spec = asSpec(state);
  for (sriov::schema::Guest& g : spec.guests)
    if (g.name == "adopt1") g.interfaces.front().vlan = 7;
  return spec;
}

// spec applied on host one action at a time.
rc::ApplyReport applyOneAtATime(const sriov::schema::Spec& spec, rc::SimulatedHost& host) {
  rc::ApplySettings settings;
  settings.execute.jobs = 1;
  return rc::apply(spec, host, settings);
}

}  // namespace

TEST_CASE("as-spec writes managed: false where the host has it, and its plan changes nothing") {
  ObservedState state = adoptState("ixgbevf");
  const std::string yaml = rc::toSpecYaml(state);
  CHECK(yaml.find(R"(  - name: adopt1
    interfaces:
      - vf:
          pf: enp4s0f0
          index: 2
        mac: "52:54:00:0a:0b:0c"
        managed: false
    hostdevs:
      - vf:
          pf: enp4s0f0
          index: 3
        managed: false
)") != std::string::npos);
  rc::Plan plan = rc::plan(asSpec(state), state, {});
  CHECK(plan.actions.empty());
  CHECK_FALSE(plan.refused());
  // Nobody binds those VFs to vfio-pci: the plan says so, once per device.
  CHECK(warningsAbout(plan,
                      "with managed: false, so libvirt does not bind the VF to vfio-pci, "
                      "and it is bound to ixgbevf") == 2);

  ObservedState bound = adoptState("vfio-pci");
  rc::Plan boundPlan = rc::plan(asSpec(bound), bound, {});
  CHECK(boundPlan.actions.empty());
  CHECK(warningsAbout(boundPlan, "managed: false") == 0);
}

TEST_CASE("a spec device with the default managed replaces an unmanaged one, and says why") {
  ObservedState state = adoptState("vfio-pci");
  sriov::schema::Spec spec = asSpec(state);
  for (sriov::schema::Guest& g : spec.guests)
    if (g.name == "adopt1") g.hostdevs.front().managed = true;
  rc::Plan plan = rc::plan(spec, state, {});
  REQUIRE(plan.actions.size() == 2);
  CHECK(std::string(toString(plan.actions[0].kind)) == toString(rc::ActionKind::detachDevice));
  CHECK(std::string(toString(plan.actions[1].kind)) == toString(rc::ActionKind::attachDevice));
  CHECK(plan.actions[1].device.managed);
}

TEST_CASE("one field changed on an alias-less device edits its XML in place, keeping the rest") {
  ObservedState state = adoptState("vfio-pci");
  sriov::schema::Spec spec = vlan7Spec(state);
  rc::SimulatedHost host(state);
  rc::ApplyReport report = applyOneAtATime(spec, host);
  REQUIRE(report.plan.actions.size() == 1);
  CHECK(std::string(toString(report.plan.actions[0].kind)) ==
        toString(rc::ActionKind::updateDevice));
  CHECK(std::string(toString(report.status)) == "converged");
  const std::string xml = host.observe()->findDomain("adopt1")->inactiveXml;
  for (const char* kept :
       {"<driver name='vfio'/>", "<rom bar='off'/>", "<boot order='2'/>",
        "<address type='pci' domain='0x0000' bus='0x07' slot='0x00' function='0x0'/>",
        "<mac address='52:54:00:0a:0b:0c'/>"}) {
    CAPTURE(kept);
    CHECK(xml.find(kept) != std::string::npos);
  }
  CHECK(xml.find("<tag id='7'/>") != std::string::npos);
  CHECK(xml.find("ua-sriov-") == std::string::npos);
  CHECK(xml.find("<interface type='hostdev'>") != std::string::npos);  // managed stays unset
  CHECK(rc::plan(spec, *host.observe(), {}).actions.empty());
}

TEST_CASE("as-spec and rollback are one conversion: the same devices, VFs named for each use") {
  ObservedState state = adoptState("vfio-pci");
  rc::HostSpec shown = rc::hostSpec(state);
  ObservedState now = state;
  now.domains.front().configDevices.clear();  // as if the apply took adopt1's devices away
  sriov::schema::Spec back = rc::rollbackSpec(state, now, rc::kDefaultPersistFile);
  const sriov::schema::Guest* a = shown.spec.findGuest("adopt1");
  const sriov::schema::Guest* b = back.findGuest("adopt1");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->interfaces.front().vf.pf == "enp4s0f0");
  CHECK(b->interfaces.front().vf.pf == "0000:04:00.0");
  CHECK(a->interfaces.front().vf.index == b->interfaces.front().vf.index);
  for (const sriov::schema::Guest* g : {a, b}) {
    CHECK_FALSE(g->interfaces.front().managed);
    CHECK_FALSE(g->hostdevs.front().managed);
  }
  CHECK(back.prune);
  CHECK(back.findGuest("web1") == nullptr);  // unchanged: a rollback leaves it alone
  CHECK(shown.spec.findGuest("web1") != nullptr);
}

TEST_CASE("domain XML is read by libvirt's rules: base-0 numbers, optional parts, short MACs") {
  const std::string devices = R"(    <interface type='hostdev' managed='yes'>
      <mac address='52:54:0:a:B:c'/>
      <source><address type='pci' domain='0' bus='010' slot='0x10' function='2'/></source>
      <virtualport type='802.1Qbg'>
        <parameters managerid='0x0b' typeid='0x12345' typeidversion='010'/>
      </virtualport>
    </interface>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source><address bus='0x04' slot='0x10'/></source>
    </hostdev>
)";
  auto parsed = rc::parseGuestDevices(
      sriov::testing::domainXml("g", "0e6f4a1c-3b2d-4c5e-9f8a-7b6c5d4e3f22", devices));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 2);
  const rc::GuestDevice& i = (*parsed)[0];
  CHECK(i.pci == "0000:08:10.2");  // bus='010' is octal for libvirt: bus 8, not 10
  CHECK(i.mac == "52:54:00:0a:0b:0c");
  REQUIRE(i.virtualport);
  CHECK(i.virtualport->managerid == 11u);
  CHECK(i.virtualport->typeid_ == 0x12345u);
  CHECK(i.virtualport->typeidversion == 8u);
  CHECK((*parsed)[1].pci == "0000:04:10.0");  // no domain, no function: 0, as libvirt has it

  for (const char* bad : {"bus='0x100'", "bus='-1'", "bus='08'", "slot='0x20'", "bus=''"}) {
    CAPTURE(bad);
    std::string xml = "<domain><devices><hostdev mode='subsystem' type='pci'><source><address " +
                      std::string(bad) + "/></source></hostdev></devices></domain>";
    CHECK_FALSE(rc::parseGuestDevices(xml).ok());
  }
  for (const char* bad :
       {"52:54:00:0a:0b", "52:54:00:0a:0b:0c:0d", "525:4:00:0a:0b:0c", "52-54-00-0a-0b-0c"}) {
    CAPTURE(bad);
    std::string xml =
        "<domain><devices><interface type='hostdev'><mac address='" + std::string(bad) +
        "'/><source><address bus='4' slot='16'/></source></interface></devices></domain>";
    CHECK_FALSE(rc::parseGuestDevices(xml).ok());
  }
}

TEST_CASE("a running guest's alias-less device replaced for a new vlan keeps its unmodelled XML") {
  ObservedState state = adoptState("vfio-pci");
  rc::ObservedDomain& d = state.domains.front();
  d.state = rc::DomainState::running;
  d.xml = sriov::testing::domainXml("adopt1", "0e6f4a1c-3b2d-4c5e-9f8a-7b6c5d4e3f21", kHandMade,
                                    sriov::testing::DomainXmlKind::live);
  d.liveDevices = rc::parseGuestDevices(d.xml).value();
  CHECK(rc::plan(asSpec(state), state, {}).actions.empty());
  sriov::schema::Spec spec = vlan7Spec(state);
  rc::SimulatedHost host(state);
  rc::ApplyReport report = applyOneAtATime(spec, host);
  CHECK(std::string(toString(report.status)) == "converged");
  CHECK(report.plan.actions.size() == 2);  // libvirt cannot change it live: detach, attach
  sriov::Result<rc::ObservedState> observed = host.observe();  // kept: after points into it
  REQUIRE(observed.ok());
  const rc::ObservedDomain* after = observed->findDomain("adopt1");
  REQUIRE(after != nullptr);
  for (const std::string* xml : {&after->xml, &after->inactiveXml}) {
    CAPTURE(*xml);
    CHECK(xml->find("<rom bar='off'/>") != std::string::npos);
    CHECK(xml->find("<boot order='2'/>") != std::string::npos);
    CHECK(xml->find("<driver name='vfio'/>") != std::string::npos);
    CHECK(xml->find("<tag id='7'/>") != std::string::npos);
  }
  // Attached by hand, it stays so: no ua-sriov- alias on its replacement.
  CHECK(after->inactiveXml.find("ua-sriov-") == std::string::npos);
  CHECK(report.plan.actions[0].target == report.plan.actions[1].target);
  CHECK(rc::plan(spec, *host.observe(), {}).actions.empty());
}

TEST_CASE("a teaming pair's VF is mapped back to the transient twin, not the virtio one") {
  const std::string config = R"(    <interface type='network'>
      <mac address='52:54:00:11:22:33'/>
      <source network='default'/>
      <model type='virtio'/>
      <teaming type='persistent'/>
      <alias name='ua-backup0'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:11:22:33'/>
      <source network='passthrough'/>
      <teaming type='transient' persistent='ua-backup0'/>
      <alias name='ua-backup1'/>
    </interface>
)";
  const std::string live = R"(    <interface type='hostdev' managed='yes'>
      <mac address='52:54:00:11:22:33'/>
      <source><address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x0'/></source>
      <teaming type='transient' persistent='ua-backup0'/>
      <alias name='hostdev0'/>
    </interface>
)";
  auto cfg = rc::parseGuestDevices(
      sriov::testing::domainXml("t", "0e6f4a1c-3b2d-4c5e-9f8a-7b6c5d4e3f23", config));
  auto lv = rc::parseGuestDevices(
      sriov::testing::domainXml("t", "0e6f4a1c-3b2d-4c5e-9f8a-7b6c5d4e3f23", live));
  REQUIRE(cfg.ok());
  REQUIRE(lv.ok());
  CHECK((*cfg)[0].teaming == "persistent");
  auto restored = rc::restoreNetworkInterfaces(*lv, *cfg);
  REQUIRE(restored.size() == 1);
  CHECK(restored[0].second == "0000:03:10.0");
  CHECK((*lv)[0].network == "passthrough");
  CHECK((*lv)[0].teaming == "transient");
}

TEST_CASE(
    "a VLAN trunk round-trips through as-spec, is warned about, and one field of it changes") {
  ObservedState state = adoptState("vfio-pci");
  rc::ObservedDomain& d = state.domains.front();
  const std::string mac = "<mac address='52:54:00:0a:0b:0c'/>";
  d.inactiveXml.replace(d.inactiveXml.find(mac), mac.size(),
                        mac +
                            "<vlan trunk='yes'><tag id='42' nativeMode='untagged'/>"
                            "<tag id='43'/></vlan>");
  d.xml = d.inactiveXml;
  d.configDevices = rc::parseGuestDevices(d.inactiveXml).value();

  sriov::schema::LoadResult loaded = sriov::schema::loadSpec(rc::toSpecYaml(state), "as-spec.yaml");
  REQUIRE_FALSE(loaded.diagnostics.hasErrors());
  sriov::schema::Spec spec = loaded.spec;
  const sriov::schema::Guest* g = spec.findGuest("adopt1");
  REQUIRE(g);
  REQUIRE(g->interfaces.front().vlanTrunk);
  CHECK(sriov::schema::vlanTrunkText(*g->interfaces.front().vlanTrunk) ==
        "tags 42,43 trunk native 42 untagged");
  // libvirt defines it but refuses it on a VF at start: the spec loads with libvirt's words.
  bool warned = false;
  for (const sriov::schema::Diagnostic& m : loaded.diagnostics.sorted())
    warned = warned || m.message.find(sriov::schema::kSriovTrunkMessage) != std::string::npos;
  CHECK(warned);
  CHECK(rc::plan(spec, state, {}).actions.empty());

  for (sriov::schema::Guest& guest : spec.guests)
    if (guest.name == "adopt1") guest.interfaces.front().vlanTrunk->nativeMode = "tagged";
  rc::SimulatedHost host(state);
  rc::ApplyReport report = applyOneAtATime(spec, host);
  REQUIRE(report.plan.actions.size() == 1);
  CHECK(std::string(toString(report.plan.actions[0].kind)) ==
        toString(rc::ActionKind::updateDevice));
  const std::string xml = host.observe()->findDomain("adopt1")->inactiveXml;
  CAPTURE(xml);
  for (const char* written :
       {"<vlan trunk='yes'>", "<tag id='42' nativeMode='tagged'/>", "<tag id='43'/>"})
    CHECK(xml.find(written) != std::string::npos);
  CHECK(rc::plan(spec, *host.observe(), {}).actions.empty());
}

TEST_CASE("a spec vlan mapping is held to libvirt's <vlan> rules") {
  ObservedState state = adoptState("vfio-pci");
  const std::string yaml = rc::toSpecYaml(state);
  const std::string plain = "mac: \"52:54:00:0a:0b:0c\"\n";
  auto errorsWith = [&](const std::string& vlan) {
    std::string text = yaml;
    text.insert(text.find(plain) + plain.size(), "        vlan: " + vlan + "\n");
    sriov::schema::LoadResult r = sriov::schema::loadSpec(text, "t.yaml");
    std::string out;
    for (const sriov::schema::Diagnostic& m : r.diagnostics.sorted())
      if (m.severity == sriov::schema::Severity::error) out += m.message + "\n";
    return out;
  };
  CHECK(errorsWith("42").empty());
  CHECK(errorsWith("{tags: [42, 43]}").empty());
  CHECK(errorsWith("{tags: [42], native: 42, nativeMode: untagged}").empty());
  CHECK(errorsWith("{tags: [42, 43], trunk: false}")
            .find("trunk='yes' is required for more than one vlan tag") != std::string::npos);
  CHECK(errorsWith("{tags: [42, 43], native: 44, nativeMode: tagged}")
            .find("native 44 is not one of its tags") != std::string::npos);
  CHECK(errorsWith("{tags: [42], native: 42}").find("needs native and nativeMode together") !=
        std::string::npos);
  CHECK(errorsWith("{tags: []}").find("has no tags") != std::string::npos);
  CHECK(errorsWith("{tags: [4096]}").find("must be between 0 and 4095") != std::string::npos);
  CHECK(errorsWith("{tags: [42], nativeMode: sideways}").find("nativeMode") != std::string::npos);
}
