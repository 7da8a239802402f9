// Benchmark: apply wall time with 1, 4 and 8 PFs changing their VF count at once, on a
// simulated host whose setNumVfs waits like a real driver does for its VFs to settle. Prints
// figures and ratios measured in one run; it asserts nothing (run: build/sriov-bench).
#include <chrono>
#include <cstdio>
#include <string>

#include "reconcile/apply.h"
#include "reconcile/simulated/simulated_host.h"
#include "schema/loader.h"
#include "schema/pci_address.h"

namespace rc = sriov::reconcile;

namespace {

constexpr std::chrono::milliseconds kSettle{200};  // per count change; real drivers: 0.5-60 s

rc::ObservedState hostWithPfs(unsigned count) {
  rc::ObservedState s;
  s.hostname = "bench";
  s.iommuEnabled = true;
  for (unsigned i = 0; i < count; ++i) {
    rc::ObservedPf pf;
    pf.name = "enp" + std::to_string(10 + i) + "s0f0";
    pf.pci = sriov::schema::PciAddress{0, 0x10 + i, 0, 0}.str();
    pf.driver = "ixgbe";
    pf.vendorId = "0x8086";
    pf.deviceId = "0x10fb";
    pf.totalVfs = 63;
    pf.vfOffset = 128;
    pf.vfStride = 2;
    pf.linkUp = true;
    s.pfs.push_back(pf);
  }
  return s;
}

std::string specFor(unsigned count) {
  std::string spec = "apiVersion: sriov-apply/v1\npfs:\n";
  for (unsigned i = 0; i < count; ++i)
    spec += "  - name: enp" + std::to_string(10 + i) + "s0f0\n    numVfs: 8\n    persist: false\n";
  return spec;
}

double applySeconds(unsigned pfs, unsigned jobs) {
  rc::SimulatedHost host(hostWithPfs(pfs));
  host.setSettleDelay(kSettle);
  sriov::schema::LoadResult spec = sriov::schema::loadSpec(specFor(pfs), "bench.yaml");
  rc::ApplySettings settings;
  settings.execute.jobs = jobs;
  std::chrono::steady_clock::time_point begin = std::chrono::steady_clock::now();
  rc::ApplyReport report = rc::apply(spec.spec, host, settings);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  if (report.status != rc::ApplyStatus::converged) std::printf("  (did not converge!)\n");
  return seconds;
}

}  // namespace

int main() {
  std::printf("apply wall time, each PF 0 -> 8 VFs, %lld ms settle per count change\n",
              static_cast<long long>(kSettle.count()));
  std::printf("%6s %12s %12s %12s %10s\n", "PFs", "--jobs 1", "--jobs 4", "--jobs 8", "1 / 8");
  for (unsigned pfs : {1u, 4u, 8u}) {
    double one = applySeconds(pfs, 1);
    double four = applySeconds(pfs, 4);
    double eight = applySeconds(pfs, 8);
    std::printf("%6u %10.2f s %10.2f s %10.2f s %9.1fx\n", pfs, one, four, eight, one / eight);
  }
  return 0;
}
