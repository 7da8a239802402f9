// The command line: CLI11 definitions of every subcommand and option, and dispatch. Thin: each
// subcommand's work lives in its own *_command.cpp; this file only parses and routes.
#include "cmd/cli.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cmd/apply_command.h"
#include "cmd/host_factory.h"
#include "cmd/options.h"
#include "cmd/plan_command.h"
#include "cmd/show_command.h"
#include "cmd/validate_command.h"
#include "cmd/version.h"
#include "schema/json_schema.h"

namespace sriov::cmd {
namespace {

std::atomic<bool> interrupted{false};

extern "C" void onSignal(int) {
  interrupted = true;
}

constexpr const char* kSubcommands[] = {"apply", "plan", "show", "validate", "schema"};

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
    args.insert(args.begin() + static_cast<std::ptrdiff_t>(i), "apply");
    return args;
  }
  return args;
}

void addOutput(CLI::App* sub, OutputFormat& output, std::map<std::string, OutputFormat> choices,
               const std::string& help) {
  sub->add_option("--output,-o", output, help)
      ->transform(CLI::CheckedTransformer(std::move(choices), CLI::ignore_case));
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
      ->check(CLI::IsMember({"none", "attribute", "link", "detach", "restart", "recreate"}))
      ->capture_default_str();
  sub->add_flag("--force", o.force, "Allow disrupting guests that the spec does not list");
  sub->add_flag_callback(
      "--no-color", [&o] { o.color = Color::never; }, "No colors");
  sub->add_option("--persist-file", o.persistFile, "The udev rules file sriov-apply owns")
      ->capture_default_str();
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"sriov-apply: make a host's SR-IOV setup (VFs, VF pools, guest VFs) match host.yaml",
               "sriov-apply"};
  app.footer(kFooter);
  app.set_version_flag("--version", versionText());
  app.require_subcommand(1);
  std::string logLevel = "warn";
  app.add_option("--log-level", logLevel, "Log detail on stderr")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
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
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  applyCmd
      ->add_option("--settle-timeout", apply.settleTimeoutSeconds,
                   "Seconds to wait for VFs to appear after a count change")
      ->capture_default_str();
  applyCmd
      ->add_option("--shutdown-timeout", apply.shutdownTimeoutSeconds,
                   "Seconds a guest has to shut down (ACPI) before the apply fails and rolls back")
      ->check(CLI::Range(1u, 86400u))
      ->capture_default_str();
  applyCmd
      ->add_option("--detach-timeout", apply.detachTimeoutSeconds,
                   "Seconds a running guest has to release a device detached live before the "
                   "apply fails and rolls back")
      ->check(CLI::Range(1u, 86400u))
      ->capture_default_str();
  applyCmd
      ->add_option("--lock-timeout", apply.lockTimeoutSeconds,
                   "Seconds to wait for another apply to finish")
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
    std::cerr << "sriov-apply: error: " << e.what()
              << "\nRun 'sriov-apply --help' for more information.\n";
    return kExitFailure;
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
      std::cout << "    " << line << "\n" << std::flush;
    };
  }
  if (!showCmd->parsed() && !planCmd->parsed() && !apply.dryRun) {
    // An interrupt lets the running actions finish, then rolls back.
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    // The host is made (a state file read) once apply holds the lock.
    return runApply(
        apply, [&] { return makeHost(hostOptions, tuning); }, &interrupted, std::cout, std::cerr);
  }
  // plan and show take no lock: a state file is replaced by rename, so they read a whole one.
  Result<HostHandle> host = makeHost(hostOptions, tuning);
  if (!host) {
    std::cerr << "sriov-apply: error: " << host.error().message << "\n";
    return kExitFailure;
  }
  if (showCmd->parsed()) return runShow(show, *host->host, std::cout, std::cerr);
  return runPlan(planCmd->parsed() ? plan : apply, *host->host, std::cout, std::cerr);
}

}  // namespace sriov::cmd
