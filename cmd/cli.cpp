// The run of one command line: parse it, set up logging, route to the subcommand, and the one
// top-level catch. Thin: the grammar is command_line.cpp, each subcommand's work its own
// *_command.cpp.
#include "cmd/cli.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <iostream>

#include "cmd/apply_command.h"
#include "cmd/command_line.h"
#include "cmd/doctor_command.h"
#include "cmd/error_output.h"
#include "cmd/host_factory.h"
#include "cmd/plan_command.h"
#include "cmd/show_command.h"
#include "cmd/stop_signal.h"
#include "cmd/terminal_style.h"
#include "cmd/validate_command.h"
#include "reconcile/state_keys.h"
#include "schema/json_schema.h"

namespace sriov::cmd {
namespace {

void setUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("sriov-apply");
  logger->set_pattern("sriov-apply: %l: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}

// apply: the host is made once apply holds the lock, with apply's progress lines.
int apply(const ApplyOptions& options) {
  // An interrupt while apply waits for the lock or executes lets the running actions finish,
  // then rolls back; while the spec or the state file is read (a FIFO, a terminal) it ends the
  // run as usual: runApply arms the handler once the spec is read, and the host is made (a state
  // file read) with the default action, once apply holds the lock.
  manageStopSignals();
  return runApply(
      options,
      [&](const ApplyOptions& planned, const Progress& progress) -> Result<HostHandle> {
        defaultStopSignals();
        // A signal that came while the handler was armed (the lock wait) is not lost.
        if (stopFlag()->load())
          return Error{"interrupted before the host was read; nothing was changed", EINTR};
        HostTuning tuning = tuningOf(planned);
        tuning.progress = progress;
        Result<HostHandle> host = makeHost(planned.host, tuning);
        armStopSignals();
        return host;
      },
      stopFlag(), std::cout, std::cerr);
}

// plan and show take no lock: a state file is replaced by rename, so they read a whole one.
int readOnly(const CommandLine& line) {
  bool show = line.command == Command::show;
  // show observes what plan would (line.apply holds the defaults then): the rules file too.
  Result<std::unique_ptr<reconcile::HostReader>> host =
      makeReader(show ? line.show.host : line.apply.host, tuningOf(line.apply));
  if (!host) {
    bool json = (show ? line.show.output : line.apply.output) == OutputFormat::json;
    return printFailure(failureOf(host.error()), json, std::cout, std::cerr,
                        colorWanted(line.apply.color, STDERR_FILENO));
  }
  if (show) return runShow(line.show, **host, std::cout, std::cerr);
  return runPlan(line.apply, **host, std::cout, std::cerr);
}

int dispatch(const CommandLine& line) {
  if (line.printed) return *line.printed;
  setUpLogging(line.logLevel);
  switch (line.command) {
    case Command::validate:
      return runValidate(line.validate, std::cout);
    case Command::schema:
      std::cout << (line.schemaKind == "state" ? reconcile::stateJsonSchemaText()
                                               : schema::jsonSchemaText());
      return kExitOk;
    case Command::apply:
      if (!line.apply.dryRun) return apply(line.apply);
      return readOnly(line);
    case Command::doctor:
      return runDoctor(line.doctor, std::cout, std::cerr);
    case Command::plan:
    case Command::show:
      return readOnly(line);
  }
  return kExitFailure;
}

}  // namespace

// The one top-level catch: a bad command line is exit 1 with a hint; anything unexpected is
// `sriov-apply: error: ...` and exit 1, never an abort. With --output json, one Error document.
int run(int argc, char** argv) {
  bool json = jsonRequested(argc, argv);
  bool color = colorWanted(Color::automatic, STDERR_FILENO);
  try {
    return dispatch(parseCommandLine(argc, argv));
  } catch (const UsageError& e) {
    return printFailure({kExitFailure, e.message, {}, {"run 'sriov-apply help' for the usage"}},
                        json, std::cout, std::cerr, color);
  } catch (const std::exception& e) {
    return printFailure({kExitFailure, std::string("unexpected: ") + e.what(), {}, {}}, json,
                        std::cout, std::cerr, color);
  } catch (...) {
    return printFailure({kExitFailure, "unexpected error", {}, {}}, json, std::cout, std::cerr,
                        color);
  }
}

}  // namespace sriov::cmd
