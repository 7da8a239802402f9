// CLI11 definitions of every subcommand and option (SPEC.md, "Command line"), and their parse.
#include "cmd/command_line.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <vector>

#include "cmd/version.h"

namespace sriov::cmd {
namespace {

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
  sriov-apply doctor host.yaml                is this host ready, and what to fix

Exit codes: 0 ok, 1 failure, 2 changes (--detailed-exitcode), 3 invalid spec, 4 refused.)";

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

// The options plan and apply share.
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
  sub->add_option("--metrics-file", o.metricsFile,
                  "Write the drift check's metrics to this node-exporter textfile (*.prom)");
}

// A bounded whole number of seconds.
void addSeconds(CLI::App* sub, const std::string& name, unsigned& value, const std::string& help,
                unsigned long low, unsigned long high) {
  sub->add_option(name, value, help)->check(wholeNumber(low, high))->capture_default_str();
}

// What only apply has.
void addApplyOptions(CLI::App* sub, ApplyOptions& o) {
  sub->add_flag("--dry-run", o.dryRun, "Print the plan, change nothing (= plan)");
  sub->add_flag("--yes,-y,--auto-approve", o.yes,
                "On a terminal, apply a plan that detaches, restarts or re-creates without asking");
  sub->add_flag_callback(
      "--no-rollback", [&o] { o.rollback = false; }, "On a failure, leave the host as it is");
  sub->add_option("--jobs,-j", o.jobs, "Independent actions run in parallel")
      ->check(wholeNumber(1, 64))
      ->default_str("one per PF the plan changes, at least 4");
  addSeconds(sub, "--settle-timeout", o.settleTimeoutSeconds,
             "Seconds to wait for VFs to appear after a count change", 0, 86400);
  addSeconds(sub, "--shutdown-timeout", o.shutdownTimeoutSeconds,
             "Seconds a guest has to shut down (ACPI) before the apply fails and rolls back", 1,
             86400);
  addSeconds(sub, "--detach-timeout", o.detachTimeoutSeconds,
             "Seconds a running guest has to release a device detached live before the apply "
             "fails and rolls back",
             1, 86400);
  addSeconds(sub, "--lock-timeout", o.lockTimeoutSeconds,
             "Seconds to wait for another apply to finish", 0, 86400);
  addSeconds(sub, "--wait-for-pfs", o.waitForPfsSeconds,
             "Seconds to wait for the spec's PFs to appear (at boot); 0: do not wait", 0, 3600);
  sub->add_option("--lock-file", o.lockFile, "One apply per host")->capture_default_str();
  sub->add_option("--snapshot-dir", o.snapshotDir, "Where the state before each apply is saved")
      ->capture_default_str();
}

// `help [SUBCOMMAND]`: the help text to print.
std::string helpOf(CLI::App& app, const std::string& topic) {
  app.clear();  // else CLI11 prints the help of `help` itself
  if (topic.empty()) return app.help();
  for (CLI::App* sub : app.get_subcommands({}))
    if (sub->get_name() == topic) return sub->help();
  std::optional<std::string> meant = closestSubcommand(topic);
  throw UsageError{"no subcommand '" + topic + "'" +
                   (meant ? "; did you mean '" + *meant + "'?" : "")};
}

}  // namespace

CommandLine parseCommandLine(int argc, char** argv) {
  CommandLine line;
  CLI::App app{"sriov-apply: make a host's SR-IOV setup (VFs, VF pools, guest VFs) match host.yaml",
               "sriov-apply"};
  app.footer(kFooter);
  app.set_version_flag("--version", versionText());
  app.require_subcommand(1);
  app.add_option("--log-level", line.logLevel, "Log detail on stderr")
      ->check(oneOf({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.add_flag_callback(
      "-v,--verbose", [&line] { line.logLevel = "debug"; }, "--log-level debug");

  ApplyOptions apply;
  CLI::App* applyCmd = app.add_subcommand(
      "apply", "Converge the host on SPEC (the default), or apply a plan saved by `plan --out`");
  addPlanOptions(applyCmd, apply);
  addApplyOptions(applyCmd, apply);
  ApplyOptions plan;
  CLI::App* planCmd = app.add_subcommand("plan", "Print what apply would do; change nothing");
  addPlanOptions(planCmd, plan);
  planCmd->add_option("--out", plan.out,
                      "Also save the plan to this file, for `apply FILE` to run exactly it");

  CLI::App* showCmd = app.add_subcommand("show", "Print the observed host state");
  addHostOptions(showCmd, line.show.host);
  addOutput(showCmd, line.show.output, {{"yaml", OutputFormat::yaml}, {"json", OutputFormat::json}},
            "Output format: yaml or json");
  showCmd->add_flag("--as-spec", line.show.asSpec,
                    "Print a spec that describes the host as it is (adopt a host)");

  CLI::App* doctorCmd = app.add_subcommand(
      "doctor",
      "Check that the host is ready for SR-IOV (and SPEC); print each fix; change nothing");
  doctorCmd->add_option("SPEC", line.doctor.spec, "The desired state (host.yaml); optional");
  doctorCmd->add_option("--root", line.doctor.root, "Read every host file under this folder")
      ->capture_default_str();
  doctorCmd->add_option("--connect,-c", line.doctor.connectUri, "libvirt connection URI")
      ->capture_default_str();
  addOutput(doctorCmd, line.doctor.output,
            {{"text", OutputFormat::text}, {"json", OutputFormat::json}},
            "Output format: text or json");

  CLI::App* validateCmd =
      app.add_subcommand("validate", "Check specs offline: syntax, schema, cross-references");
  validateCmd->add_option("SPEC", line.validate.specs, "Spec files")->required();
  addOutput(validateCmd, line.validate.output,
            {{"text", OutputFormat::text}, {"json", OutputFormat::json}},
            "Output format: text or json");
  validateCmd->add_flag("--strict", line.validate.strict, "Warnings fail validation too");
  validateCmd->add_flag_callback(
      "--no-color", [&line] { line.validate.color = Color::never; }, "No colors");

  CLI::App* schemaCmd = app.add_subcommand(
      "schema", "Print the JSON Schema of the spec (for editors) or of the state file");
  schemaCmd->add_option("KIND", line.schemaKind, "spec (host.yaml) or state (`show`'s output)")
      ->check(oneOf({"spec", "state"}))
      ->capture_default_str();
  CLI::App* helpCmd = app.add_subcommand("help", "Print this help, or a subcommand's");
  std::string helpTopic;
  helpCmd->add_option("SUBCOMMAND", helpTopic, "The subcommand to explain");
  CLI::App* versionCmd = app.add_subcommand("version", "Print the version");
  OutputFormat versionOutput = OutputFormat::text;
  addOutput(versionCmd, versionOutput, {{"text", OutputFormat::text}, {"json", OutputFormat::json}},
            "Output format: text or json (schema/version.schema.json)");
  // Options of the whole tool (-v, --log-level) are taken after the subcommand too.
  for (CLI::App* sub : app.get_subcommands({})) sub->fallthrough();

  std::vector<std::string> args = withDefaultSubcommand(argc, argv);
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  try {
    app.parse(static_cast<int>(cargs.size()), cargs.data());
  } catch (const CLI::CallForHelp& e) {
    line.printed = app.exit(e);
    return line;
  } catch (const CLI::CallForAllHelp& e) {
    line.printed = app.exit(e);
    return line;
  } catch (const CLI::CallForVersion& e) {
    line.printed = app.exit(e);
    return line;
  } catch (const CLI::ParseError& e) {
    throw UsageError{e.what()};
  }
  if (helpCmd->parsed() || versionCmd->parsed()) {
    std::cout << (helpCmd->parsed()                     ? helpOf(app, helpTopic)
                  : versionOutput == OutputFormat::json ? versionJson()
                                                        : versionText() + "\n");
    line.printed = kExitOk;
  }
  line.command = planCmd->parsed()       ? Command::plan
                 : showCmd->parsed()     ? Command::show
                 : doctorCmd->parsed()   ? Command::doctor
                 : validateCmd->parsed() ? Command::validate
                 : schemaCmd->parsed()   ? Command::schema
                                         : Command::apply;
  line.apply = line.command == Command::plan ? plan : apply;
  return line;
}

}  // namespace sriov::cmd
