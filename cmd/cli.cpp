// The command line: CLI11 definitions of every subcommand and option, and dispatch. Thin: each
// subcommand's work lives in its own *_command.cpp; this file only parses and routes.
#include "cmd/cli.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cmd/apply_command.h"
#include "cmd/diagnostics_output.h"
#include "cmd/error_output.h"
#include "cmd/host_factory.h"
#include "cmd/options.h"
#include "cmd/plan_command.h"
#include "cmd/show_command.h"
#include "cmd/stop_signal.h"
#include "cmd/validate_command.h"
#include "cmd/version.h"
#include "schema/json_schema.h"
#include "schema/text_check.h"

namespace sriov::cmd {
namespace {

constexpr const char* kSubcommands[] = {"apply",  "plan", "show",   "validate",
                                        "schema", "help", "version"};

// Edit distance (insert, delete, substitute, swap of neighbours): how far a typo is from a name.
size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// The subcommand a word that is not one was probably meant to be, if any is close.
std::optional<std::string> closestSubcommand(const std::string& word) {
  std::optional<std::string> best;
  size_t bestDistance = 3;
  for (const char* sub : kSubcommands) {
    size_t d = distance(word, sub);
    if (d < bestDistance && d < std::string(sub).size()) {
      best = sub;
      bestDistance = d;
    }
  }
  return best;
}

// A bad command line, said without CLI11's internals, with "did you mean" where it helps.
struct UsageError {
  std::string message;
};

// With --output json (or -o json) anywhere on the line, failures are JSON documents too.
bool jsonRequested(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--output" || a == "-o") && i + 1 < argc && std::string(argv[i + 1]) == "json")
      return true;
    if (a == "--output=json" || a == "-ojson") return true;
  }
  return false;
}

// A check of a choice (case-insensitive), with a message that names the choices.
CLI::Validator oneOf(std::vector<std::string> choices) {
  std::string list;
  for (const std::string& c : choices) list += (list.empty() ? "" : ", ") + c;
  return CLI::Validator(
      [choices, list](std::string& value) -> std::string {
        std::string lower = value;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (std::find(choices.begin(), choices.end(), lower) == choices.end())
          return "'" + value + "' is not one of " + list;
        value = lower;
        return "";
      },
      "one of " + list);
}

// A check of a whole number of seconds, jobs, ...: digits only, within [low, high].
CLI::Validator wholeNumber(unsigned long low, unsigned long high) {
  return CLI::Validator(
      [low, high](std::string& value) -> std::string {
        std::string range =
            "a whole number from " + std::to_string(low) + " to " + std::to_string(high);
        if (value.empty() || value.size() > 9 ||
            !std::all_of(value.begin(), value.end(),
                         [](unsigned char c) { return std::isdigit(c) != 0; }))
          return "'" + value + "' is not " + range;
        unsigned long n = std::stoul(value);
        if (n < low || n > high) return value + " is out of range: give " + range;
        return "";
      },
      std::to_string(low) + ".." + std::to_string(high));
}

const char* kFooter = R"(Examples:
  sriov-apply validate host.yaml              check a spec offline
  sriov-apply plan host.yaml                  show what apply would change
  sriov-apply host.yaml                       converge this host on host.yaml
  sriov-apply plan --state lab.state.yaml host.yaml
                                              plan against a saved host state
  sriov-apply show --as-spec > host.yaml      adopt an existing host

Exit codes: 0 ok, 1 failure, 2 changes (--detailed-exitcode), 3 invalid spec, 4 refused.)";

// `apply` is the default subcommand: insert it before the first argument that is neither a
// global option nor a subcommand, so `sriov-apply --force host.yaml` means apply.
std::vector<std::string> withDefaultSubcommand(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--log-level") {
      ++i;
      continue;
    }
    if (a.rfind("--log-level=", 0) == 0 || a == "-v" || a == "--verbose") continue;
    if (a == "-h" || a == "--help" || a == "--version") return args;
    for (const char* sub : kSubcommands)
      if (a == sub) return args;
    // `sriov-apply paln x.yaml`: a word close to a subcommand that is no file is a typo.
    // `sriov-apply --force plna x.yaml`: the first word that is no option's value.
    constexpr const char* kFlags[] = {
        "--force",       "--dry-run", "--no-color", "--detailed-exitcode",
        "--no-rollback", "--strict",  "--as-spec"};
    for (size_t j = i; j < args.size(); ++j) {
      const std::string& w = args[j];
      if (w.empty() || w[0] == '-') continue;
      const std::string& before = args[j - 1];
      bool afterValue = j > i && before[0] == '-' && before.find('=') == std::string::npos &&
                        std::find(std::begin(kFlags), std::end(kFlags), before) == std::end(kFlags);
      if (afterValue) continue;
      std::optional<std::string> meant = closestSubcommand(w);
      if (meant && w.find_first_of("./") == std::string::npos && ::access(w.c_str(), F_OK) != 0)
        throw UsageError{"unknown subcommand '" + w + "'; did you mean '" + *meant + "'?"};
      break;
    }
    args.insert(args.begin() + static_cast<std::ptrdiff_t>(i), "apply");
    return args;
  }
  return args;
}

void addOutput(CLI::App* sub, OutputFormat& output, std::map<std::string, OutputFormat> choices,
               const std::string& help) {
  std::vector<std::string> names;
  for (const auto& [name, format] : choices) names.push_back(name);
  sub->add_option_function<std::string>(
         "--output,-o", [&output, choices](const std::string& v) { output = choices.at(v); }, help)
      ->check(oneOf(names));
}

void addHostOptions(CLI::App* sub, HostOptions& host) {
  sub->add_option("--sysfs-root", host.sysfsRoot, "Where sysfs is")->capture_default_str();
  sub->add_option("--connect,-c", host.connectUri, "libvirt connection URI")->capture_default_str();
  sub->add_option("--state", host.stateFile,
                  "Use a simulated host loaded from this state file (see `show`)");
}

void addPlanOptions(CLI::App* sub, ApplyOptions& o) {
  sub->add_option("SPEC", o.spec, "The desired state (host.yaml)")->required();
  addHostOptions(sub, o.host);
  addOutput(sub, o.output, {{"text", OutputFormat::text}, {"json", OutputFormat::json}},
            "Output format: text or json");
  sub->add_flag("--detailed-exitcode", o.detailedExitcode,
                "Exit 2 when changes were planned or made");
  sub->add_option("--max-disruption", o.maxDisruption, "Refuse plans above this level")
      ->check(oneOf({"none", "attribute", "link", "detach", "restart", "recreate"}))
      ->capture_default_str();
  sub->add_option("--phase", o.phase,
                  "At boot: host (VFs, drivers, PF links; no libvirt) before libvirt starts, "
                  "libvirt after it (never disrupts a guest); all: the whole spec")
      ->check(oneOf({"all", "host", "libvirt"}))
      ->capture_default_str();
  sub->add_flag("--force", o.force, "Allow disrupting guests that the spec does not list");
  sub->add_flag_callback(
      "--no-color", [&o] { o.color = Color::never; }, "No colors");
  sub->add_option("--persist-file", o.persistFile, "The udev rules file sriov-apply owns")
      ->capture_default_str();
}

}  // namespace

namespace {

int runCli(int argc, char** argv) {
  CLI::App app{"sriov-apply: make a host's SR-IOV setup (VFs, VF pools, guest VFs) match host.yaml",
               "sriov-apply"};
  app.footer(kFooter);
  app.set_version_flag("--version", versionText());
  app.require_subcommand(1);
  std::string logLevel = "warn";
  app.add_option("--log-level", logLevel, "Log detail on stderr")
      ->check(oneOf({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.add_flag_callback(
      "-v,--verbose", [&logLevel] { logLevel = "debug"; }, "--log-level debug");

  ApplyOptions apply;
  CLI::App* applyCmd = app.add_subcommand("apply", "Converge the host on SPEC (the default)");
  addPlanOptions(applyCmd, apply);
  applyCmd->add_flag("--dry-run", apply.dryRun, "Print the plan, change nothing (= plan)");
  applyCmd->add_flag_callback(
      "--no-rollback", [&apply] { apply.rollback = false; },
      "On a failure, leave the host as it is");
  applyCmd->add_option("--jobs,-j", apply.jobs, "Independent actions run in parallel")
      ->check(wholeNumber(1, 64))
      ->capture_default_str();
  applyCmd
      ->add_option("--settle-timeout", apply.settleTimeoutSeconds,
                   "Seconds to wait for VFs to appear after a count change")
      ->check(wholeNumber(0, 86400))
      ->capture_default_str();
  applyCmd
      ->add_option("--shutdown-timeout", apply.shutdownTimeoutSeconds,
                   "Seconds a guest has to shut down (ACPI) before the apply fails and rolls back")
      ->check(wholeNumber(1, 86400))
      ->capture_default_str();
  applyCmd
      ->add_option("--detach-timeout", apply.detachTimeoutSeconds,
                   "Seconds a running guest has to release a device detached live before the "
                   "apply fails and rolls back")
      ->check(wholeNumber(1, 86400))
      ->capture_default_str();
  applyCmd
      ->add_option("--lock-timeout", apply.lockTimeoutSeconds,
                   "Seconds to wait for another apply to finish")
      ->check(wholeNumber(0, 86400))
      ->capture_default_str();
  applyCmd
      ->add_option("--wait-for-pfs", apply.waitForPfsSeconds,
                   "Seconds to wait for the spec's PFs to appear (at boot); 0: do not wait")
      ->check(wholeNumber(0, 3600))
      ->capture_default_str();
  applyCmd->add_option("--lock-file", apply.lockFile, "One apply per host")->capture_default_str();
  applyCmd
      ->add_option("--snapshot-dir", apply.snapshotDir,
                   "Where the state before each apply is saved")
      ->capture_default_str();

  ApplyOptions plan;
  CLI::App* planCmd = app.add_subcommand("plan", "Print what apply would do; change nothing");
  addPlanOptions(planCmd, plan);

  ShowOptions show;
  CLI::App* showCmd = app.add_subcommand("show", "Print the observed host state");
  addHostOptions(showCmd, show.host);
  addOutput(showCmd, show.output, {{"yaml", OutputFormat::yaml}, {"json", OutputFormat::json}},
            "Output format: yaml or json");
  showCmd->add_flag("--as-spec", show.asSpec,
                    "Print a spec that describes the host as it is (adopt a host)");

  ValidateOptions validate;
  CLI::App* validateCmd =
      app.add_subcommand("validate", "Check specs offline: syntax, schema, cross-references");
  validateCmd->add_option("SPEC", validate.specs, "Spec files")->required();
  addOutput(validateCmd, validate.output,
            {{"text", OutputFormat::text}, {"json", OutputFormat::json}},
            "Output format: text or json");
  validateCmd->add_flag("--strict", validate.strict, "Warnings fail validation too");
  validateCmd->add_flag_callback(
      "--no-color", [&validate] { validate.color = Color::never; }, "No colors");

  CLI::App* schemaCmd =
      app.add_subcommand("schema", "Print the JSON Schema of the spec format (for editors)");

  CLI::App* helpCmd = app.add_subcommand("help", "Print this help, or a subcommand's");
  std::string helpTopic;
  helpCmd->add_option("SUBCOMMAND", helpTopic, "The subcommand to explain");
  CLI::App* versionCmd = app.add_subcommand("version", "Print the version");
  // Options of the whole tool (-v, --log-level) are taken after the subcommand too.
  for (CLI::App* sub : app.get_subcommands({})) sub->fallthrough();

  std::vector<std::string> args = withDefaultSubcommand(argc, argv);
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  try {
    app.parse(static_cast<int>(cargs.size()), cargs.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    throw UsageError{e.what()};
  }
  if (helpCmd->parsed()) {
    app.clear();  // else CLI11 prints the help of `help` itself
    if (helpTopic.empty()) {
      std::cout << app.help();
      return kExitOk;
    }
    for (CLI::App* sub : app.get_subcommands({}))
      if (sub->get_name() == helpTopic) {
        std::cout << sub->help();
        return kExitOk;
      }
    std::optional<std::string> meant = closestSubcommand(helpTopic);
    throw UsageError{"no subcommand '" + helpTopic + "'" +
                     (meant ? "; did you mean '" + *meant + "'?" : "")};
  }
  if (versionCmd->parsed()) {
    std::cout << versionText() << "\n";
    return kExitOk;
  }

  auto logger = spdlog::stderr_color_mt("sriov-apply");
  logger->set_pattern("sriov-apply: %l: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(logLevel));

  if (validateCmd->parsed()) return runValidate(validate, std::cout);
  if (schemaCmd->parsed()) {
    std::cout << schema::jsonSchemaText();
    return kExitOk;
  }
  // Before libvirt starts (--phase host) the host is observed and changed without it.
  plan.host.libvirt = plan.phase != "host";
  apply.host.libvirt = apply.phase != "host";
  const HostOptions& hostOptions = showCmd->parsed()   ? show.host
                                   : planCmd->parsed() ? plan.host
                                                       : apply.host;
  const ApplyOptions& planning = planCmd->parsed() ? plan : apply;
  HostTuning tuning;
  tuning.ownedFiles = {planning.persistFile};
  tuning.settleTimeout = std::chrono::seconds(planning.settleTimeoutSeconds);
  tuning.detachTimeout = std::chrono::seconds(planning.detachTimeoutSeconds);
  if (planning.output == OutputFormat::text) {
    tuning.progress = [](const std::string& line) {
      std::cout << "    " << schema::printable(line) << "\n" << std::flush;
    };
  }
  if (!showCmd->parsed() && !planCmd->parsed() && !apply.dryRun) {
    // An interrupt while apply waits for the lock or executes lets the running actions finish,
    // then rolls back; while the spec or the state file is read (a FIFO, a terminal) it ends
    // the run as usual: runApply arms the handler once the spec is read, and the host is made
    // (a state file read) with the default action, once apply holds the lock.
    manageStopSignals();
    return runApply(
        apply,
        [&]() -> Result<HostHandle> {
          defaultStopSignals();
          // A signal that came while the handler was armed (the lock wait) is not lost.
          if (stopFlag()->load())
            return Error{"interrupted before the host was read; nothing was changed", EINTR};
          Result<HostHandle> host = makeHost(hostOptions, tuning);
          armStopSignals();
          return host;
        },
        stopFlag(), std::cout, std::cerr);
  }
  // plan and show take no lock: a state file is replaced by rename, so they read a whole one.
  Result<HostHandle> host = makeHost(hostOptions, tuning);
  if (!host)
    return printFailure(failureOf(host.error()),
                        (showCmd->parsed() ? show.output : planning.output) == OutputFormat::json,
                        std::cout, std::cerr, colorWanted(planning.color, STDERR_FILENO));
  if (showCmd->parsed()) return runShow(show, *host->host, std::cout, std::cerr);
  return runPlan(planCmd->parsed() ? plan : apply, *host->host, std::cout, std::cerr);
}

}  // namespace

// The one top-level catch: a bad command line is exit 1 with a hint; anything unexpected is
// `sriov-apply: error: ...` and exit 1, never an abort. With --output json, one Error document.
int run(int argc, char** argv) {
  bool json = jsonRequested(argc, argv);
  bool color = colorWanted(Color::automatic, STDERR_FILENO);
  try {
    return runCli(argc, argv);
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
