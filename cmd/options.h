// The command line as parsed: one struct per subcommand, filled by CLI11 in command_line.cpp.
#pragma once

#include <string>
#include <vector>

namespace sriov::cmd {

// Exit codes (SPEC.md, "Exit codes").
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,      // runtime failure, or a bad command line
  kExitChanges = 2,      // --detailed-exitcode: changes were planned or made
  kExitInvalidSpec = 3,  // the spec is invalid
  kExitRefused = 4,      // preflight, onDisruption: refuse, --max-disruption, unlisted guest, host:
};

enum class OutputFormat { text, json, yaml };
enum class Color { automatic, never };

// Options of every subcommand that touches a host (SPEC.md, "Command line").
struct HostOptions {
  std::string sysfsRoot = "/sys";
  std::string connectUri = "qemu:///system";
  std::string stateFile;  // non-empty: simulated host loaded from this state file
};

struct ValidateOptions {
  std::vector<std::string> specs;
  OutputFormat output = OutputFormat::text;
  bool strict = false;  // warnings fail too
  Color color = Color::automatic;
};

// plan, and apply (which plans first; dryRun stops there).
struct ApplyOptions {
  std::string spec;
  HostOptions host;
  OutputFormat output = OutputFormat::text;
  bool detailedExitcode = false;
  std::string out;          // plan --out FILE: save the plan for `apply FILE`
  std::string metricsFile;  // --metrics-file: the node-exporter textfile of the drift check
  std::string maxDisruption = "recreate";
  std::string phase = "all";       // all | host | libvirt (reconcile/boot_phase.h)
  unsigned waitForPfsSeconds = 0;  // apply: wait this long for the spec's PFs to appear
  bool force = false;
  bool dryRun = false;
  bool yes = false;  // --yes / --auto-approve: never ask on a terminal
  bool rollback = true;
  unsigned jobs = 0;  // 0: one per PF the plan changes, at least 4 (reconcile::autoJobs)
  unsigned settleTimeoutSeconds = 120;
  unsigned shutdownTimeoutSeconds = 120;  // shutdown-guest: the guest must stop within this
  unsigned detachTimeoutSeconds = 30;     // a live detach: the guest must release the device
  unsigned lockTimeoutSeconds = 60;
  std::string lockFile = "/run/sriov-apply.lock";
  std::string persistFile = "/etc/udev/rules.d/70-sriov-apply.rules";
  std::string snapshotDir = "/var/lib/sriov-apply";
  Color color = Color::automatic;
};

struct DoctorOptions {
  std::string spec;  // empty: the host alone
  std::string root = "/";
  std::string connectUri = "qemu:///system";
  OutputFormat output = OutputFormat::text;  // text | json
};

struct ShowOptions {
  HostOptions host;
  OutputFormat output = OutputFormat::yaml;  // yaml | json
  bool asSpec = false;
};

}  // namespace sriov::cmd
