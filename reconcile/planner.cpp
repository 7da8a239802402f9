// The planner: compares the spec with the observed host and drafts actions in safe stages
// (guests let go, networks stop, VF counts change, VFs are set up, networks start, devices come
// back, guests start), with explicit dependencies so independent branches can run in parallel.
// It runs the passes of reconcile/planning/ over one plan state, in the order below.
#include "reconcile/planner.h"

#include <cstdio>

#include "reconcile/planning/driver_pass.h"
#include "reconcile/planning/guest_pass.h"
#include "reconcile/planning/network_pass.h"
#include "reconcile/planning/persistence_pass.h"
#include "reconcile/planning/pf_pass.h"
#include "reconcile/planning/plan_state.h"
#include "reconcile/planning/pool_capacity.h"
#include "reconcile/planning/refusals.h"
#include "reconcile/planning/vf_conflicts.h"

namespace sriov::reconcile {

std::string stableMac(const std::string& host, const std::string& guest, const std::string& slot) {
  uint64_t hash = 1469598103934665603ull;  // FNV-1a 64
  for (const std::string* part : {&host, &guest, &slot}) {
    for (char c : *part) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ull;
    }
    hash ^= 0;
    hash *= 1099511628211ull;
  }
  char buf[18];
  std::snprintf(buf, sizeof buf, "52:54:00:%02x:%02x:%02x",
                static_cast<unsigned>(hash >> 16) & 0xff, static_cast<unsigned>(hash >> 8) & 0xff,
                static_cast<unsigned>(hash) & 0xff);
  return buf;
}

Plan plan(const schema::Spec& spec, const ObservedState& observed, const PlanOptions& options) {
  using namespace planning;
  PlanState s{{spec, observed, options}, {}, {}, {}, {}, {}, {}, {}};

  // 1. What the observed host alone says about the spec (PFs present, VF limits, IOMMU, ...).
  //    Writes findings.
  s.findings.add(openingFindings(spec, observed, options));
  // 2. The spec's PFs on the host, and the index of VF addresses (now and after the plan) and
  //    the domains holding them. Writes pfs.list, pfs.index.
  indexPfs(s);
  // 3. VF counts: to 0 first when VFs exist, then to N. Marks the PFs whose VFs are re-created,
  //    which every later pass reads. Writes pfs, drafts.
  planVfCounts(s);
  // 4. After the count: PF link up, VF settings and drivers. Writes pfs.drafts, drafts.
  planVfSetup(s);
  // 5. Network decisions (stop, define, start, prune), before the guests: a guest's interface
  //    on a network that stops is hit. No drafts yet. Writes nets, findings.
  planNetworks(s);
  // 6. Guests: what steps 3 and 5 take from each running guest (refuse, hotplug, restart), and
  //    the spec's devices and power state. Writes guests, releases, claims, drafts (a re-created
  //    PF's count to 0 waits for the guests to let go), findings; never the PF or network plans.
  planGuests(s);
  // 7. A VF the spec binds to a driver that a guest gives back during the plan: bound once
  //    free. Needs step 6's releases and takes. Writes drafts, pfs.drafts.
  planDriversAfterRelease(s);
  // 8. The udev rules file that re-creates the counts at boot. Writes drafts.
  planPersistence(s);
  // 9. Check: every pool active after the plan has a VF for each running guest's interface on
  //    it. Reads steps 5 and 6. Writes findings.
  checkPoolCapacity(s);
  // 10. Network actions, now that step 6 knows each network's users (releases.netUsers); guest
  //     starts and attaches wait for their networks, a pool's VF removal for its stop. Writes
  //     nets.plans' drafts, drafts.
  finishNetworks(s);
  // 11. Check: no VF stays with two guests, no host-side mac/vlan fights libvirt; attaches wait
  //     for their VF's detaches. Writes findings, drafts.
  checkConflicts(s);
  // 12. Order the drafts into actions; the refusals of the finished plan (--max-disruption,
  //     the boot phase's), and all findings sorted.
  Plan out;
  out.actions = s.drafts.ordered();
  s.findings.add(closingFindings(out.actions, observed, options));
  out.preflight = s.findings.sorted();
  return out;
}

}  // namespace sriov::reconcile
