// Adopting guests set up by hand (issue 13), against the test daemon through LinuxHost: an
// unmanaged hostdev, an alias-less hostdev interface whose vlan changes (edited in place,
// libvirt's view of the rest kept), a trunk, written whole by as-spec, one field changed, and
// a pool edited by hand (portgroups) whose redefine keeps what the spec does not model.
#include <doctest/doctest.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cstdlib>
#include <string>

#include "reconcile/as_spec.h"
#include "reconcile/device_xml.h"
#include "reconcile/domain_xml.h"
#include "reconcile/host/libvirt_connection.h"
#include "reconcile/host/linux_host.h"
#include "reconcile/planner.h"
#include "schema/vlan.h"
#include "tests/integration/libvirt_world.h"

namespace sriov::reconcile {
namespace {

LinuxHost adoptHost() {
  return LinuxHost(integration::worldHostOptions());
}

// A domain defined by hand with these devices, undefined at the end.
class HandMade {
 public:
  HandMade(std::string name, const std::string& devices) : name_(std::move(name)) {
    Result<LibvirtConnection> c = LibvirtConnection::open(integration::daemonUri());
    REQUIRE_MESSAGE(c.ok(), c.error().message);
    connection_.emplace(std::move(*c));
    std::string xml = "<domain type='qemu'><name>" + name_ +
                      "</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu>"
                      "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>" +
                      devices + "</devices></domain>";
    DomainHandle domain(virDomainDefineXML(connection_->get(), xml.c_str()));
    defined_ = static_cast<bool>(domain);
    if (!defined_) error_ = virGetLastErrorMessage();
  }
  ~HandMade() {
    DomainHandle domain(virDomainLookupByName(connection_->get(), name_.c_str()));
    if (domain) virDomainUndefine(domain.get());
    virResetLastError();
  }
  HandMade(const HandMade&) = delete;
  HandMade& operator=(const HandMade&) = delete;

  bool defined() const { return defined_; }
  const std::string& error() const { return error_; }
  std::string inactiveXml() const {
    DomainHandle domain(virDomainLookupByName(connection_->get(), name_.c_str()));
    REQUIRE(domain);
    char* xml = virDomainGetXMLDesc(domain.get(), VIR_DOMAIN_XML_INACTIVE);
    REQUIRE(xml != nullptr);
    std::string text = xml;
    std::free(xml);
    return text;
  }

 private:
  std::string name_;
  std::optional<LibvirtConnection> connection_;
  bool defined_ = false;
  std::string error_;
};

// as-spec's PFs and networks, and of its guests only the one named.
schema::Spec specOf(const ObservedState& state, const std::string& guest) {
  schema::Spec spec = hostSpec(state).spec;
  std::erase_if(spec.guests, [&](const schema::Guest& g) { return g.name != guest; });
  REQUIRE(spec.guests.size() == 1);
  return spec;
}

std::vector<Action> actionsOn(const Plan& plan, const std::string& guest) {
  std::vector<Action> out;
  for (const Action& a : plan.actions)
    if (a.target.rfind("guest/" + guest, 0) == 0) out.push_back(a);
  return out;
}

}  // namespace

TEST_CASE("adopt: an unmanaged hostdev is read as such, described, and left alone") {
  LinuxHost linux = adoptHost();
  HandMade guest("adopt-unmanaged",
                 "<hostdev mode='subsystem' type='pci' managed='no'><source>"
                 "<address domain='0' bus='3' slot='16' function='4'/></source></hostdev>");
  REQUIRE_MESSAGE(guest.defined(), guest.error());
  Result<ObservedState> state = linux.observe();
  REQUIRE_MESSAGE(state.ok(), state.error().message);
  const ObservedDomain* dom = state->findDomain("adopt-unmanaged");
  REQUIRE(dom);
  REQUIRE(dom->configDevices.size() == 1);
  CHECK_FALSE(dom->configDevices[0].managed);
  CHECK(dom->configDevices[0].pci == "0000:03:10.4");
  schema::Spec spec = specOf(*state, "adopt-unmanaged");
  REQUIRE(spec.guests[0].hostdevs.size() == 1);
  CHECK_FALSE(spec.guests[0].hostdevs[0].managed);
  CHECK(actionsOn(plan(spec, *state, {}), "adopt-unmanaged").empty());
}

TEST_CASE("adopt: one vlan changed on an alias-less hostdev interface edits its XML in place") {
  LinuxHost linux = adoptHost();
  HandMade guest("adopt-update",
                 "<interface type='hostdev'><mac address='52:54:0:6d:90:99'/>"
                 "<driver name='vfio'/><source>"
                 "<address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x2'/>"
                 "</source><vlan><tag id='42'/></vlan><boot order='1'/><rom bar='off'/>"
                 "<address type='pci' domain='0x0000' bus='0x00' slot='0x07' function='0x0'/>"
                 "</interface>");
  REQUIRE_MESSAGE(guest.defined(), guest.error());
  Result<ObservedState> state = linux.observe();
  REQUIRE_MESSAGE(state.ok(), state.error().message);
  schema::Spec spec = specOf(*state, "adopt-update");
  REQUIRE(spec.guests[0].interfaces.size() == 1);
  CHECK_FALSE(spec.guests[0].interfaces[0].managed);  // no attribute: libvirt reads 'no'
  CHECK(actionsOn(plan(spec, *state, {}), "adopt-update").empty());

  spec.guests[0].interfaces[0].vlan = 7;
  std::vector<Action> actions = actionsOn(plan(spec, *state, {}), "adopt-update");
  REQUIRE(actions.size() == 1);
  CHECK(std::string(toString(actions[0].kind)) == toString(ActionKind::updateDevice));
  CHECK(actions[0].device.alias.empty());
  Result<void> r =
      linux.updateDevice("adopt-update", deviceXml(actions[0].device), actions[0].scope);
  REQUIRE_MESSAGE(r.ok(), r.error().message);

  const std::string xml = guest.inactiveXml();
  CAPTURE(xml);
  CHECK(xml.find("<tag id='7'/>") != std::string::npos);
  CHECK(xml.find("<tag id='42'/>") == std::string::npos);
  CHECK(xml.find("<rom bar='off'/>") != std::string::npos);
  CHECK(xml.find("<boot order='1'/>") != std::string::npos);
  CHECK(xml.find("<driver name='vfio'/>") != std::string::npos);
  CHECK(xml.find("slot='0x07'") != std::string::npos);
  CHECK(xml.find("ua-sriov-") == std::string::npos);
  CHECK(xml.find("managed='yes'") == std::string::npos);

  Result<ObservedState> after = linux.observe();
  REQUIRE_MESSAGE(after.ok(), after.error().message);
  CHECK(actionsOn(plan(spec, *after, {}), "adopt-update").empty());
}

TEST_CASE("adopt: a trunk is read whole, as-spec writes it, and its native mode changes alone") {
  LinuxHost linux = adoptHost();
  HandMade guest("adopt-trunk",
                 "<interface type='hostdev' managed='yes'><source>"
                 "<address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x0'/>"
                 "</source><vlan trunk='yes'><tag id='42' nativeMode='untagged'/><tag id='43'/>"
                 "</vlan></interface>");
  REQUIRE_MESSAGE(guest.defined(), guest.error());
  Result<ObservedState> state = linux.observe();
  REQUIRE_MESSAGE(state.ok(), state.error().message);
  const ObservedDomain* dom = state->findDomain("adopt-trunk");
  REQUIRE(dom);
  REQUIRE(dom->configDevices.size() == 1);
  REQUIRE(dom->configDevices[0].vlanForm);
  CHECK(schema::vlanTrunkText(*dom->configDevices[0].vlanForm) ==
        "tags 42,43 trunk native 42 untagged");
  schema::Spec spec = specOf(*state, "adopt-trunk");
  REQUIRE(spec.guests[0].interfaces.size() == 1);
  REQUIRE(spec.guests[0].interfaces[0].vlanTrunk);
  CHECK(actionsOn(plan(spec, *state, {}), "adopt-trunk").empty());

  spec.guests[0].interfaces[0].vlanTrunk->nativeMode = "tagged";
  std::vector<Action> actions = actionsOn(plan(spec, *state, {}), "adopt-trunk");
  REQUIRE(actions.size() == 1);
  CHECK(std::string(toString(actions[0].kind)) == toString(ActionKind::updateDevice));
  Result<void> r =
      linux.updateDevice("adopt-trunk", deviceXml(actions[0].device), actions[0].scope);
  REQUIRE_MESSAGE(r.ok(), r.error().message);
  const std::string xml = guest.inactiveXml();
  CAPTURE(xml);
  CHECK(xml.find("<tag id='42' nativeMode='tagged'/>") != std::string::npos);
  Result<ObservedState> after = linux.observe();
  REQUIRE_MESSAGE(after.ok(), after.error().message);
  CHECK(actionsOn(plan(spec, *after, {}), "adopt-trunk").empty());
}

TEST_CASE("adopt: a pool edited by hand keeps its portgroup, driver and metadata when redefined") {
  LinuxHost linux = adoptHost();
  Result<LibvirtConnection> c = LibvirtConnection::open(integration::daemonUri());
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  // What sriov-apply defined, then `virsh net-edit` added: a portgroup, forward's <driver>,
  // another application's metadata.
  const std::string handEdited =
      std::string(
          "<network><name>adopt-pool</name><metadata>"
          "<app:note xmlns:app='http://example.org/app'>kept</app:note>"
          "<sriov-apply:owner xmlns:sriov-apply='") +
      kOwnerNamespace +
      "'/></metadata><forward mode='hostdev' managed='yes'><driver name='vfio'/>"
      "<pf dev='eth3'/></forward><vlan><tag id='42'/></vlan>"
      "<portgroup name='storage'><vlan><tag id='100'/></vlan></portgroup></network>";
  NetworkHandle network(virNetworkDefineXML(c->get(), handEdited.c_str()));
  REQUIRE_MESSAGE(network, virGetLastErrorMessage());
  auto inactiveXml = [&] {
    char* xml = virNetworkGetXMLDesc(network.get(), VIR_NETWORK_XML_INACTIVE);
    REQUIRE(xml != nullptr);
    std::string text = xml;
    std::free(xml);
    return text;
  };
  const std::string uuid = uuidOf(inactiveXml());

  Result<ObservedState> state = linux.observe();
  REQUIRE_MESSAGE(state.ok(), state.error().message);
  schema::Spec spec = hostSpec(*state).spec;
  schema::Network* pool = nullptr;
  for (schema::Network& n : spec.networks)
    if (n.name == "adopt-pool") pool = &n;
  REQUIRE(pool);
  auto poolActions = [](const Plan& p) {
    std::vector<Action> out;
    for (const Action& a : p.actions)
      if (a.target == "network/adopt-pool") out.push_back(a);
    return out;
  };
  CHECK(poolActions(plan(spec, *state, {})).empty());

  pool->vlan = 7;
  std::vector<Action> actions = poolActions(plan(spec, *state, {}));
  REQUIRE(actions.size() == 1);
  CHECK(std::string(toString(actions[0].kind)) == toString(ActionKind::defineNetwork));
  Result<void> r = linux.defineNetwork(networkXml(actions[0].network));
  REQUIRE_MESSAGE(r.ok(), r.error().message);

  const std::string xml = inactiveXml();
  CAPTURE(xml);
  CHECK(uuidOf(xml) == uuid);
  CHECK(xml.find("<portgroup name='storage'>") != std::string::npos);
  CHECK(xml.find("<tag id='100'/>") != std::string::npos);
  CHECK(xml.find("<driver name='vfio'/>") != std::string::npos);
  CHECK(xml.find("http://example.org/app") != std::string::npos);
  CHECK(xml.find(">kept</app:note>") != std::string::npos);
  CHECK(xml.find("<tag id='7'/>") != std::string::npos);
  CHECK(xml.find("<tag id='42'/>") == std::string::npos);
  Result<ObservedState> after = linux.observe();
  REQUIRE_MESSAGE(after.ok(), after.error().message);
  const ObservedNetwork* observed = after->findNetwork("adopt-pool");
  REQUIRE(observed);
  CHECK(observed->owned);
  CHECK(poolActions(plan(spec, *after, {})).empty());
  virNetworkUndefine(network.get());
}

}  // namespace sriov::reconcile
