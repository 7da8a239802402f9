// The one error printer: text on stderr, and the Error document on stdout in JSON mode.
#include "cmd/error_output.h"

#include <cerrno>

#include "cmd/diagnostics_output.h"

namespace sriov::cmd {

std::vector<std::string> hintsFor(const Error& error) {
  std::vector<std::string> hints;
  const std::string& m = error.message;
  bool denied = error.code == EACCES || error.code == EPERM ||
                m.find("Permission denied") != std::string::npos ||
                m.find("Operation not permitted") != std::string::npos;
  if (m.find("libvirt") != std::string::npos) {
    hints.push_back(
        "is libvirt running? start it with `systemctl start libvirtd` (or the modular "
        "`virtqemud.socket`), or name another daemon with --connect URI");
    hints.push_back(
        "libvirt is needed even for a spec with only PFs: a VF count change destroys every VF of "
        "the PF, so sriov-apply must know which guests and networks hold them");
    hints.push_back(
        "to try sriov-apply without this host, plan against a saved host: --state FILE (a "
        "`sriov-apply show` output)");
  } else if (denied) {
    hints.push_back(
        "sriov-apply changes sysfs, libvirt and /etc/udev/rules.d, and takes its lock in /run: "
        "run it as root (sudo)");
    hints.push_back(
        "to try it as a user, plan against a saved host: --state FILE (a `sriov-apply show` "
        "output)");
  }
  return hints;
}

Failure failureOf(const Error& error) {
  return Failure{1, error.message, {}, hintsFor(error)};
}

nlohmann::ordered_json failureJson(const Failure& f) {
  std::string message = f.message;
  if (message.empty()) {
    size_t errors = 0;
    for (const schema::Diagnostic& d : f.diagnostics)
      if (d.severity == schema::Severity::error) ++errors;
    message =
        "the spec is invalid: " + std::to_string(errors) + " error" + (errors == 1 ? "" : "s");
  }
  nlohmann::ordered_json j = {{"apiVersion", "sriov-apply/v1"},
                              {"kind", "Error"},
                              {"exitCode", f.exitCode},
                              {"message", message},
                              {"diagnostics", diagnosticsJson(f.diagnostics)}};
  if (!f.hints.empty()) j["hints"] = f.hints;
  return j;
}

void printError(std::ostream& err, const std::string& message) {
  err << "sriov-apply: error: " << message << "\n";
}

int printFailure(const Failure& f, bool json, std::ostream& out, std::ostream& err, bool color) {
  printDiagnostics(err, f.diagnostics, color);
  if (!f.message.empty()) printError(err, f.message);
  for (const std::string& h : f.hints) err << "sriov-apply: hint: " << h << "\n";
  if (json)
    out << failureJson(f).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return f.exitCode;
}

}  // namespace sriov::cmd
