// A domain whose SR-IOV devices cannot be read never blocks the host (issue 13 item 7): it is
// reported, left out of --as-spec, left alone by the plan, and any plan that could touch it
// is refused.
#include <doctest/doctest.h>

#include <string>

#include "reconcile/as_spec.h"
#include "reconcile/domain_xml.h"
#include "reconcile/planner.h"
#include "reconcile/state_file.h"
#include "schema/loader.h"
#include "tests/unit/lab_state.h"
#include "tests/unit/test_helpers.h"

namespace sriov::reconcile {
namespace {

// A network interface without <source network>: libvirt would not write it, the tool cannot
// tell which pool it is on.
const char* const kOddDevices =
    "    <interface type='network'><mac address='52:54:00:0d:d0:01'/>"
    "</interface>\n";

ObservedState labWithOdd(DomainState state) {
  ObservedState s = testing::labState();
  ObservedDomain odd;
  odd.name = "odd1";
  odd.state = state;
  odd.xml = odd.inactiveXml =
      testing::domainXml("odd1", "0d0d0d0d-0000-4000-8000-000000000001", kOddDevices);
  Result<std::vector<GuestDevice>> devices = parseGuestDevices(odd.xml);
  REQUIRE_FALSE(devices.ok());
  odd.markUnreadable("its XML: " + devices.error().message);
  s.domains.push_back(odd);
  sortState(s);
  return s;
}

schema::Spec specFile(const std::string& name) {
  schema::LoadResult loaded =
      schema::loadSpec(test::readText(std::string(SRIOV_SOURCE_DIR) + "/examples/" + name), name);
  REQUIRE_FALSE(loaded.diagnostics.hasErrors());
  return loaded.spec;
}

const Finding* findingOn(const Plan& p, const std::string& target) {
  for (const Finding& f : p.preflight)
    if (f.target == target) return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("unreadable domain: as-spec leaves it out with a note, and its plan has no changes") {
  ObservedState state = labWithOdd(DomainState::running);
  HostSpec h = hostSpec(state);
  for (const schema::Guest& g : h.spec.guests) CHECK(g.name != "odd1");
  bool noted = false;
  for (const SpecNote& n : h.notes)
    noted = noted || (n.object.empty() && n.text.find("guest odd1 is left out") == 0 &&
                      n.text.find("has no <source network>") != std::string::npos);
  CHECK(noted);
  CHECK(toSpecYaml(state).find("# guest odd1 is left out") != std::string::npos);

  Plan p = plan(h.spec, state, {});
  CHECK(p.empty());
  CHECK_FALSE(p.refused());
  const Finding* f = findingOn(p, "guest/odd1");
  REQUIRE(f);
  CHECK(f->severity == FindingSeverity::warning);
  CHECK(f->message.find("it is left alone") != std::string::npos);
}

TEST_CASE("unreadable domain: a plan that re-creates VFs it may hold is refused while it runs") {
  schema::Spec spec = specFile("two-pfs.yaml");  // enp3s0f0: 2 VFs -> 4
  SUBCASE("running: refused, naming the PF") {
    Plan p = plan(spec, labWithOdd(DomainState::running), {});
    CHECK(p.refused());
    const Finding* f = findingOn(p, "guest/odd1");
    REQUIRE(f);
    CHECK(f->severity == FindingSeverity::error);
    CHECK(f->message.find("the plan re-creates or stops the VFs of enp3s0f0") != std::string::npos);
    CHECK(f->message.find("virsh edit odd1") != std::string::npos);
  }
  SUBCASE("shut off: it holds nothing live, so the plan goes ahead and it is left alone") {
    Plan p = plan(spec, labWithOdd(DomainState::shutoff), {});
    CHECK_FALSE(p.refused());
    CHECK_FALSE(p.empty());
    const Finding* f = findingOn(p, "guest/odd1");
    REQUIRE(f);
    CHECK(f->severity == FindingSeverity::warning);
    for (const Action& a : p.actions) CHECK(a.target.find("guest/odd1") != 0);
  }
}

TEST_CASE("unreadable domain: listed in the spec, it is refused by name") {
  ObservedState state = labWithOdd(DomainState::shutoff);
  schema::Spec spec = hostSpec(state).spec;
  schema::Guest odd;
  odd.name = "odd1";
  spec.guests.push_back(odd);
  Plan p = plan(spec, state, {});
  CHECK(p.refused());
  const Finding* f = findingOn(p, "guest/odd1");
  REQUIRE(f);
  CHECK(f->message.find("cannot plan for it") != std::string::npos);
  CHECK(f->message.find("or take it out of the spec") != std::string::npos);
}

TEST_CASE("unreadable domain: a state file with one loads, and says why") {
  ObservedState state = labWithOdd(DomainState::running);
  Result<ObservedState> again = parseStateYaml(toStateYaml(state), "s.yaml");
  REQUIRE_MESSAGE(again.ok(), again.error().message);
  const ObservedDomain* odd = again->findDomain("odd1");
  REQUIRE(odd);
  CHECK(odd->unreadable.find("its live XML: ") == 0);
  CHECK(odd->unreadable.find("has no <source network>") != std::string::npos);
  CHECK(odd->liveDevices.empty());
  CHECK(odd->configDevices.empty());
}

}  // namespace sriov::reconcile
