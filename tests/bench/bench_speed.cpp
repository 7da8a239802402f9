// Benchmark tool of issue 14 (run by `./dev.sh bench`), one figure per subcommand:
//   converge PFS VFS_PER_PF GUESTS  seconds to converge the simulated host from empty
//   generate DIR PFS VFS_PER_PF GUESTS  DIR/spec.yaml and DIR/state.yaml (the converged host)
//   jobs  apply wall time with 1 and 8 PFs changing their VF count at the default --jobs
// It asserts nothing; each prints one line of figures.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "reconcile/apply.h"
#include "reconcile/simulated/simulated_host.h"
#include "reconcile/state_file.h"
#include "schema/loader.h"
#include "tests/bench/bench_host.h"

namespace rc = sriov::reconcile;

namespace {

double secondsSince(std::chrono::steady_clock::time_point begin) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

sriov::bench::HostSize sizeOf(char** argv) {
  return {static_cast<unsigned>(std::atoi(argv[0])), static_cast<unsigned>(std::atoi(argv[1])),
          static_cast<unsigned>(std::atoi(argv[2]))};
}

// Converges host to the spec of size; exits 1 when it does not converge.
void converge(rc::SimulatedHost& host, const sriov::bench::HostSize& size, unsigned jobs) {
  sriov::schema::LoadResult spec =
      sriov::schema::loadSpec(sriov::bench::specYaml(size), "bench.yaml");
  rc::ApplySettings settings;
  settings.execute.jobs = jobs;
  rc::ApplyReport report = rc::apply(spec.spec, host, settings);
  if (report.status != rc::ApplyStatus::converged) {
    std::fprintf(stderr, "did not converge: %s\n", toString(report.status));
    std::exit(1);
  }
}

int convergeCommand(const sriov::bench::HostSize& size) {
  rc::SimulatedHost host(sriov::bench::emptyHost(size));
  std::chrono::steady_clock::time_point begin = std::chrono::steady_clock::now();
  converge(host, size, 0);
  std::printf("%.3f\n", secondsSince(begin));
  return 0;
}

int generateCommand(const std::string& dir, const sriov::bench::HostSize& size) {
  rc::SimulatedHost host(sriov::bench::emptyHost(size));
  converge(host, size, 0);
  std::ofstream(dir + "/spec.yaml") << sriov::bench::specYaml(size);
  sriov::Result<void> saved = host.save(dir + "/state.yaml");
  if (!saved) {
    std::fprintf(stderr, "%s\n", saved.error().message.c_str());
    return 1;
  }
  return 0;
}

// Each PF 0 -> 8 VFs with a 200 ms settle per count change (real drivers: 0.5-60 s).
double applySeconds(unsigned pfs) {
  sriov::bench::HostSize size{pfs, 8, 0};
  rc::SimulatedHost host(sriov::bench::emptyHost(size));
  host.setSettleDelay(std::chrono::milliseconds(200));
  std::chrono::steady_clock::time_point begin = std::chrono::steady_clock::now();
  converge(host, size, 0);
  return secondsSince(begin);
}

int jobsCommand() {
  double one = applySeconds(1);
  double eight = applySeconds(8);
  std::printf("%.3f %.3f %.2f\n", one, eight, eight / one);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string command = argc > 1 ? argv[1] : "";
  if (command == "converge" && argc == 5) return convergeCommand(sizeOf(argv + 2));
  if (command == "generate" && argc == 6) return generateCommand(argv[2], sizeOf(argv + 3));
  if (command == "jobs" && argc == 2) return jobsCommand();
  std::fprintf(stderr,
               "usage: sriov-bench-speed converge PFS VFS_PER_PF GUESTS | generate DIR PFS "
               "VFS_PER_PF GUESTS | jobs\n");
  return 2;
}
