// Benchmark: plan time on generated hosts of 100 / 1,000 / 4,000 VFs and 50 / 500 / 2,000
// running guests (each guest holds two VFs as hostdev interfaces). Three plans per host: the
// host already matches (no changes), one guest's VLAN changes, and every PF changes its VF count
// (every guest lets go and gets its VFs back). Prints figures and the growth against the
// smallest host, measured in one run; it asserts nothing (run: build/sriov-bench-plan).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "reconcile/apply.h"
#include "reconcile/planner.h"
#include "reconcile/simulated/simulated_host.h"
#include "schema/loader.h"
#include "schema/pci_address.h"

namespace rc = sriov::reconcile;

namespace {

constexpr unsigned kVfsPerPf = 64;

struct Size {
  unsigned vfs;
  unsigned guests;
};

std::string pfName(unsigned i) {
  return "enp" + std::to_string(10 + i) + "s0f0";
}

unsigned pfCount(const Size& size) {
  return (size.vfs + kVfsPerPf - 1) / kVfsPerPf;
}

// PFs without VFs yet, and running guests without SR-IOV devices.
rc::ObservedState emptyHost(const Size& size) {
  rc::ObservedState s;
  s.hostname = "bench";
  s.iommuEnabled = true;
  s.pciDrivers = {"ixgbe", "ixgbevf", "vfio-pci"};
  for (unsigned i = 0; i < pfCount(size); ++i) {
    rc::ObservedPf pf;
    pf.name = pfName(i);
    pf.pci = sriov::schema::PciAddress{0, 0x10 + i, 0, 0}.str();
    pf.driver = "ixgbe";
    pf.vendorId = "0x8086";
    pf.deviceId = "0x10fb";
    pf.totalVfs = 128;
    pf.vfOffset = 128;
    pf.vfStride = 2;
    pf.linkUp = true;
    s.pfs.push_back(pf);
  }
  for (unsigned g = 0; g < size.guests; ++g) {
    rc::ObservedDomain d;
    d.name = "guest" + std::to_string(g);
    d.state = rc::DomainState::running;
    char uuid[40];
    std::snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%012u", g);
    d.inactiveXml = "<domain type='kvm'>\n  <name>" + d.name + "</name>\n  <uuid>" + uuid +
                    "</uuid>\n  <devices>\n  </devices>\n</domain>\n";
    d.xml = d.inactiveXml;
    s.domains.push_back(d);
  }
  return s;
}

// numVfs of PF i is its share of size.vfs, plus extra; guest g gets VFs 2g and 2g+1 counted
// across the PFs; guest vlanGuest (if any) gets VLAN 200 on its first interface.
std::string specFor(const Size& size, unsigned extra, int vlanGuest) {
  std::string y = "apiVersion: sriov-apply/v1\npfs:\n";
  for (unsigned i = 0; i < pfCount(size); ++i) {
    unsigned n = std::min(kVfsPerPf, size.vfs - i * kVfsPerPf);
    y += "  - name: " + pfName(i) + "\n    numVfs: " + std::to_string(n + extra) +
         "\n    persist: false\n";
  }
  y += "guests:\n";
  for (unsigned g = 0; g < size.guests; ++g) {
    y += "  - name: guest" + std::to_string(g) + "\n    onDisruption: hotplug\n    interfaces:\n";
    for (unsigned k = 0; k < 2; ++k) {
      unsigned vf = 2 * g + k;
      y += "      - vf: {pf: " + pfName(vf / kVfsPerPf) +
           ", index: " + std::to_string(vf % kVfsPerPf) + "}\n";
      if (k == 0 && static_cast<int>(g) == vlanGuest) y += "        vlan: 200\n";
    }
  }
  return y;
}

// The fastest of a few runs, in milliseconds, and the plan's action count.
std::pair<double, size_t> planMs(const sriov::schema::Spec& spec, const rc::ObservedState& s) {
  double best = 1e300;
  size_t actions = 0;
  for (int run = 0; run < 3; ++run) {
    std::chrono::steady_clock::time_point begin = std::chrono::steady_clock::now();
    rc::Plan p = rc::plan(spec, s, {});
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
    best = std::min(best, ms);
    actions = p.actions.size();
    if (p.refused()) std::printf("  (refused: %s)\n", p.preflight.front().message.c_str());
  }
  return {best, actions};
}

}  // namespace

int main() {
  const std::vector<Size> sizes = {{100, 50}, {1000, 500}, {4000, 2000}};
  std::printf(
      "plan time (fastest of 3), hosts with N VFs and G running guests holding 2 VFs each\n");
  std::printf("%6s %6s | %-26s | %-26s | %-26s\n", "VFs", "guests", "no changes",
              "one guest's vlan", "every PF's count");
  for (const Size& size : sizes) {
    rc::SimulatedHost host(emptyHost(size));
    sriov::schema::LoadResult converged =
        sriov::schema::loadSpec(specFor(size, 0, -1), "bench.yaml");
    rc::ApplySettings serial;
    serial.execute.jobs = 1;
    rc::ApplyReport setup = rc::apply(converged.spec, host, serial);
    if (setup.status != rc::ApplyStatus::converged) {
      std::printf("setup of %u VFs did not converge: %s\n", size.vfs, toString(setup.status));
      return 1;
    }
    rc::ObservedState state = *host.observe();
    sriov::schema::LoadResult vlan =
        sriov::schema::loadSpec(specFor(size, 0, static_cast<int>(size.guests / 2)), "bench.yaml");
    sriov::schema::LoadResult counts = sriov::schema::loadSpec(specFor(size, 1, -1), "bench.yaml");
    const sriov::schema::Spec* specs[3] = {&converged.spec, &vlan.spec, &counts.spec};
    std::printf("%6u %6u", size.vfs, size.guests);
    for (int k = 0; k < 3; ++k) {
      auto [ms, actions] = planMs(*specs[k], state);
      std::printf(" | %7.1f ms %5zu a %4.1f us", ms, actions, 1000 * ms / size.vfs);
    }
    std::printf("\n");
  }
  std::printf("(a: actions in the plan; us: microseconds per VF: flat means linear growth)\n");
  return 0;
}
