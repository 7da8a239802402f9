// The planning layer linked alone (sriov_planning: the model only; no formats, no
// engine, host or CLI): plans two VFs on a PF that has none and checks the plan. That this
// program links at all is the proof that the planner reaches no further than its layer.
#include <cstdio>
#include <string>

#include "reconcile/planner.h"

using namespace sriov;

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
  if (ok) return;
  std::fprintf(stderr, "planning-alone: %s\n", what.c_str());
  ++failures;
}

}  // namespace

int main() {
  reconcile::ObservedState host;
  host.hostname = "h1";
  host.iommuEnabled = true;
  host.pciDrivers = {"igb", "igbvf"};
  reconcile::ObservedPf pf;
  pf.name = "enp1s0";
  pf.pci = "0000:01:00.0";
  pf.driver = "igb";
  pf.vendorId = "0x8086";
  pf.deviceId = "0x10c9";
  pf.totalVfs = 7;
  pf.vfOffset = 128;
  pf.vfStride = 2;
  pf.linkUp = true;
  host.pfs.push_back(pf);

  schema::Spec spec;
  schema::Pf want;
  want.name = "enp1s0";
  want.numVfs = 2;
  schema::VfEntry vf1;
  vf1.first = vf1.last = 1;
  vf1.settings.vlan = 10;
  want.vfs.push_back(vf1);
  spec.pfs.push_back(want);

  reconcile::Plan plan = reconcile::plan(spec, host, reconcile::PlanOptions{});
  for (const reconcile::Finding& f : plan.preflight)
    std::fprintf(stderr, "finding: %s: %s\n", f.target.c_str(), f.message.c_str());
  check(!plan.refused(), "the plan is refused");
  check(plan.actions.size() == 3, "expected 3 actions, got " + std::to_string(plan.actions.size()));
  if (plan.actions.size() == 3) {
    const reconcile::Action& count = plan.actions[0];
    check(count.kind == reconcile::ActionKind::setNumVfs && count.count == 2 &&
              count.pfPci == pf.pci && count.target == "pf/enp1s0",
          "action 1 is not set-numvfs 2 on pf/enp1s0");
    const reconcile::Action& vf = plan.actions[1];
    check(vf.kind == reconcile::ActionKind::setVf && vf.vfIndex == 1 && vf.change.vlan == 10u &&
              vf.after == std::vector<int>{1},
          "action 2 is not set-vf vlan 10 on VF 1 after action 1");
    const reconcile::Action& rules = plan.actions[2];
    check(rules.kind == reconcile::ActionKind::writePersistence &&
              rules.content.find("0000:01:00.0") != std::string::npos,
          "action 3 is not the udev rules file for 0000:01:00.0");
  }
  if (failures == 0) std::printf("planning-alone: ok (%zu actions)\n", plan.actions.size());
  return failures == 0 ? 0 : 1;
}
