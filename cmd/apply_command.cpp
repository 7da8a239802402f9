// The apply subcommand: the steps of an apply, each one a value, printed as it goes.
#include "cmd/apply_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cmd/apply_reporters.h"
#include "cmd/confirmation.h"
#include "cmd/diagnostics_output.h"
#include "cmd/error_output.h"
#include "cmd/lock_file.h"
#include "cmd/metrics_file.h"
#include "cmd/plan_command.h"
#include "cmd/saved_plan.h"
#include "cmd/snapshot.h"
#include "cmd/stop_signal.h"
#include "reconcile/apply.h"
#include "reconcile/host/pf_wait.h"
#include "schema/input_file.h"
#include "schema/loader.h"

namespace sriov::cmd {
namespace {

using reconcile::ApplyReport;

std::vector<reconcile::WantedPf> wantedPfs(const schema::Spec& spec, const std::string& file) {
  std::vector<reconcile::WantedPf> wanted;
  for (const schema::Pf& pf : spec.pfs)
    wanted.push_back({pf.name.value_or(""), pf.pci.value_or(""),
                      file + ":" + std::to_string(pf.pos.line) + ":" + std::to_string(pf.pos.col)});
  return wanted;
}

// A saved plan is applied with the plan options it was made with.
ApplyOptions withSavedPlan(const ApplyOptions& options, const SavedPlan& saved) {
  ApplyOptions planned = options;
  planned.spec = saved.specPath;
  planned.maxDisruption = saved.planning.maxDisruption;
  planned.phase = saved.planning.phase;
  planned.force = saved.planning.force;
  planned.persistFile = saved.planning.persistFile;
  return planned;
}

// One apply per host: the real host's lock file, or the state file's own (never through a link:
// apply replaces the state file it names).
Result<LockFile> lockFor(const ApplyOptions& options, const std::atomic<bool>* stop,
                         std::ostream& err) {
  bool simulated = !options.host.stateFile.empty();
  struct stat link {};
  if (simulated && ::lstat(options.host.stateFile.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    return Error{"the state file " + options.host.stateFile +
                     " is a symbolic link; apply replaces the file it names, so give the real file",
                 ELOOP};
  }
  std::string lockPath = simulated ? options.host.stateFile + ".lock" : options.lockFile;
  return LockFile::acquire(lockPath, std::chrono::seconds(options.lockTimeoutSeconds), stop,
                           [&](const std::string& holder) {
                             err << "sriov-apply: waiting for the lock held by "
                                 << (holder.empty() ? "another sriov-apply" : "pid " + holder)
                                 << " (" << lockPath << "; up to " << options.lockTimeoutSeconds
                                 << " s, --lock-timeout; Ctrl-C to stop)\n"
                                 << std::flush;
                           });
}

}  // namespace

int runApply(
    const ApplyOptions& options,
    const std::function<Result<HostHandle>(const ApplyOptions&, const Progress&)>& makeHost,
    const std::atomic<bool>* stop, std::ostream& out, std::ostream& err) {
  bool text = options.output == OutputFormat::text;
  std::unique_ptr<ApplyOutput> output = makeApplyOutput(
      options.output, text && colorWanted(options.color, STDOUT_FILENO), options.spec, out, err);

  // 1. The spec, or a saved plan (`plan --out`) with its spec: every problem at once, then stop.
  bool errColor = colorWanted(options.color, STDERR_FILENO);
  // Read once ("-" and pipes cannot be read twice), then parsed as what it is.
  Result<std::string> content =
      schema::readInputFile(options.spec, schema::kMaxSpecBytes, "the spec");
  SavedPlanRead saved = content ? readSavedPlan(options.spec, *content) : SavedPlanRead{};
  if (saved.failure) return printFailure(*saved.failure, !text, out, err, errColor);
  schema::LoadResult loaded = saved.plan
                                  ? schema::loadSpec(saved.plan->specText, saved.plan->specPath)
                              : content ? schema::loadSpec(*content, options.spec)
                                        : schema::unreadableSpec(options.spec, content.error());
  ApplyOptions planned = saved.plan ? withSavedPlan(options, *saved.plan) : options;
  if (loaded.diagnostics.hasErrors())
    return printFailure({kExitInvalidSpec, "", loaded.diagnostics.sorted(), {}}, !text, out, err,
                        errColor);
  printDiagnostics(err, loaded.diagnostics.sorted(), errColor);
  armStopSignals();  // the spec is read: from now on an interrupt stops the apply (stop_signal.h)

  // 2. One apply per host: the real host's lock file, or the state file's own.
  // The lock comes before the host is observed (or the state file read): two applies at once
  // must not both plan from the same old state and the later save lose the earlier one's work.
  bool simulated = !options.host.stateFile.empty();
  Result<LockFile> lock = lockFor(options, stop, err);
  if (!lock) return printFailure(failureOf(lock.error()), !text, out, err, errColor);
  const Progress progress = [&](const std::string& line) { output->progress(line); };
  // At boot the PF drivers may still be probing: wait (bounded) for the spec's own PFs.
  if (options.waitForPfsSeconds > 0 && !simulated) {
    Result<void> there =
        reconcile::waitForPfs(options.host.sysfsRoot, wantedPfs(loaded.spec, options.spec),
                              std::chrono::seconds(options.waitForPfsSeconds), stop, progress);
    if (!there) return printFailure(failureOf(there.error()), !text, out, err, errColor);
  }
  Result<HostHandle> made = makeHost(planned, progress);
  if (!made) return printFailure(failureOf(made.error()), !text, out, err, errColor);
  HostHandle& handle = *made;

  // 3. Plan, snapshot, execute, verify, roll back: reconcile::apply, with progress here.
  reconcile::ApplySettings settings;
  settings.plan = planOptionsOf(planned);
  if (saved.plan) {
    settings.vetPlan = [&](const reconcile::ObservedState& observed, const reconcile::Plan& plan) {
      return vetSavedPlan(*saved.plan, loaded.spec, observed, plan);
    };
  }
  settings.execute.jobs = options.jobs;
  settings.execute.guestTimeout = std::chrono::seconds(options.shutdownTimeoutSeconds);
  settings.execute.stop = stop;
  settings.rollback = options.rollback ? reconcile::Rollback::yes : reconcile::Rollback::no;
  std::string snapshot;
  settings.beforeChanges = [&](const reconcile::ObservedState& before,
                               const reconcile::Plan& plan) -> Result<void> {
    if (confirmationNeeded(plan, options, ::isatty(STDIN_FILENO) == 1,
                           ::isatty(STDOUT_FILENO) == 1) &&
        !confirmed(plan, STDIN_FILENO, out, stop)) {
      return Error{"apply cancelled: the plan was not confirmed with 'yes'", ECANCELED};
    }
    if (!handle.simulated) {
      Result<std::string> saved = saveSnapshot(options.snapshotDir, before);
      if (!saved) return saved.error();
      snapshot = *saved;
    }
    return Result<void>();
  };
  settings.reporter = output.get();
  ApplyReport report = reconcile::apply(reconcile::specForPhase(loaded.spec, settings.plan.phase),
                                        *handle.host, settings);
  Result<void> kept = handle.save();
  if (!kept) printError(err, kept.error().message);

  if (!options.metricsFile.empty() && (report.status == reconcile::ApplyStatus::converged ||
                                       report.status == reconcile::ApplyStatus::noChanges)) {
    Result<void> written = writeApplyMetrics(options.metricsFile, std::time(nullptr));
    if (!written) printError(err, written.error().message);
  }
  // 4. Report.
  output->result(report, snapshot);
  return exitCodeOf(report.status, options.detailedExitcode);
}

}  // namespace sriov::cmd
