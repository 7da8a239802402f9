// The planning layer's parts on their own: draft ordering, device identity, findings' order,
// action factories. The golden and property tests cover the passes together.
#include <doctest/doctest.h>

#include "reconcile/planning/actions.h"
#include "reconcile/planning/device_identity.h"
#include "reconcile/planning/drafts.h"
#include "reconcile/planning/refusals.h"

namespace rc = sriov::reconcile;
namespace pl = sriov::reconcile::planning;

namespace {

rc::Action action(rc::ActionKind kind, const std::string& target) {
  rc::Action a;
  a.kind = kind;
  a.target = target;
  return a;
}

rc::GuestDevice hostdev(const std::string& pci, const std::string& alias) {
  rc::GuestDevice d;
  d.kind = rc::GuestDevice::Kind::hostdev;
  d.pci = pci;
  d.alias = alias;
  return d;
}

}  // namespace

TEST_CASE("planning drafts: ordered by stage, then target, then kind; dependencies become ids") {
  pl::Drafts drafts;
  pl::DraftId start = drafts.add(pl::kNetStart, action(rc::ActionKind::startNetwork, "network/a"));
  pl::DraftId count = drafts.add(pl::kCount, action(rc::ActionKind::setNumVfs, "pf/b"));
  pl::DraftId zero = drafts.add(pl::kZero, action(rc::ActionKind::setNumVfs, "pf/b"));
  pl::DraftId vfB = drafts.add(pl::kVf, action(rc::ActionKind::setVf, "vf/b/0"));
  pl::DraftId linkA = drafts.add(pl::kVf, action(rc::ActionKind::setLinkUp, "pf/a"));
  drafts.dep(count, zero);
  drafts.dep(start, count);
  drafts.dep(start, start);         // itself: ignored
  drafts.dep(start, std::nullopt);  // nothing: ignored
  drafts.deps(vfB, {count, linkA});
  std::vector<rc::Action> out = drafts.ordered();
  REQUIRE(out.size() == 5);
  std::vector<std::string> order;
  for (const rc::Action& a : out)
    order.push_back(std::string(rc::toString(a.kind)) + " " + a.target);
  CHECK(order == std::vector<std::string>{"set-numvfs pf/b", "set-numvfs pf/b", "set-link-up pf/a",
                                          "set-vf vf/b/0", "start-network network/a"});
  for (size_t i = 0; i < out.size(); ++i) CHECK(out[i].id == static_cast<int>(i + 1));
  CHECK(out[0].after.empty());                    // the zero
  CHECK(out[1].after == std::vector<int>{1});     // the count after the zero
  CHECK(out[3].after == std::vector<int>{2, 3});  // the VF after the count and the link, sorted
  CHECK(out[4].after == std::vector<int>{2});     // the network after the count only
}

TEST_CASE("planning device identity: alias first, then the same source, then the same VF") {
  std::vector<rc::GuestDevice> observed = {hostdev("0000:01:10.0", "ua-other"),
                                           hostdev("0000:01:10.2", "ua-mine")};
  std::set<const rc::GuestDevice*> taken;
  rc::GuestDevice byAlias = hostdev("0000:01:10.0", "ua-mine");
  CHECK(pl::matchDevice(observed, byAlias, taken) == &observed[1]);
  taken.insert(&observed[1]);
  CHECK(pl::matchDevice(observed, byAlias, taken) == &observed[0]);  // then by source
  rc::GuestDevice other = byAlias;
  other.kind = rc::GuestDevice::Kind::hostdevInterface;  // another kind on the same VF
  other.alias = "ua-new";
  CHECK(pl::matchDevice(observed, other, {}) == &observed[0]);
  CHECK_FALSE(pl::sameSource(observed[0], other));
  CHECK(pl::findSame(observed, hostdev("0000:01:10.2", "")) == &observed[1]);
  CHECK(pl::findSame(observed, hostdev("0000:02:00.0", "")) == nullptr);

  rc::ObservedPf pf;
  pf.pci = "0000:01:00.0";
  pf.vfOffset = 128;
  pf.vfStride = 2;
  rc::ObservedVf vf0;
  vf0.pci = "0000:01:10.0";
  pf.vfs.push_back(vf0);
  CHECK(pl::futureVfPci(pf, 0) == "0000:01:10.0");  // observed: as it is
  CHECK(pl::futureVfPci(pf, 3) == "0000:01:10.6");  // to be created: offset + stride * index
  pf.pci = "not-a-pci-address";
  CHECK(pl::futureVfPci(pf, 3).empty());
}

TEST_CASE("planning findings: errors first, then by target, equal ones in the order found") {
  pl::Findings findings;
  findings.warning("pf/a", "w1");
  findings.error("vf/b/1", "e1");
  findings.error("pf/a", "e2");
  findings.error("vf/b/1", "e3");
  std::vector<std::string> messages;
  for (const rc::Finding& f : findings.sorted()) messages.push_back(f.message);
  CHECK(messages == std::vector<std::string>{"e2", "e1", "e3", "w1"});
}

TEST_CASE("planning action factories: targets, texts and what the executor needs") {
  rc::ObservedPf pf;
  pf.name = "enp1s0";
  pf.pci = "0000:01:00.0";
  rc::Action count = pl::setNumVfs(pf, 4, 0, rc::Disruption::recreate, "why");
  CHECK(count.target == "pf/enp1s0");
  CHECK(count.from == std::optional<std::string>("4"));
  CHECK(count.to == std::optional<std::string>("0"));
  CHECK(count.count == 0);
  CHECK(count.pfPci == pf.pci);
  rc::VfChange change;
  change.vlan = 10;
  change.qos = 0;
  rc::Action vf = pl::setVf(pf, 2, change, std::nullopt, rc::Disruption::none, "new");
  CHECK(vf.target == "vf/enp1s0/2");
  CHECK(vf.to == std::optional<std::string>("vlan 10, qos 0"));
  CHECK_FALSE(vf.from);
  rc::GuestDevice dev = hostdev("0000:01:10.0", "");
  rc::Action detach =
      pl::deviceAction(rc::ActionKind::detachDevice, "web1", dev, {true, true}, "r");
  CHECK(detach.target == "guest/web1/0000:01:10.0");  // no alias: by address
  CHECK(detach.from == std::optional<std::string>("hostdev 0000:01:10.0"));
  CHECK(std::string(rc::toString(detach.disruption)) == "detach");  // live
  CHECK(detach.device == dev);
  rc::Action config =
      pl::deviceAction(rc::ActionKind::detachDevice, "web1", dev, {false, true}, "r");
  CHECK(std::string(rc::toString(config.disruption)) == "none");  // config only
}
