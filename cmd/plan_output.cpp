// Text and JSON renderings of a plan.
#include "cmd/plan_output.h"

#include <map>
#include <vector>

#include "cmd/terminal_style.h"
#include "schema/text_check.h"

namespace sriov::cmd {
namespace {

using reconcile::Action;
using reconcile::Disruption;
using reconcile::Finding;
using reconcile::FindingSeverity;

struct Palette {
  bool on;
  std::string paint(const std::string& text, Style style) const { return styled(text, style, on); }
  std::string level(Disruption d) const {
    Style style = d == Disruption::none                                 ? Style::quiet
                  : d == Disruption::attribute || d == Disruption::link ? Style::warning
                                                                        : Style::error;
    return paint(toString(d), style);
  }
};

std::string counted(size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

std::string padded(const std::string& text, size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

bool isDeviceAction(const Action& a) {
  return a.kind == reconcile::ActionKind::attachDevice ||
         a.kind == reconcile::ActionKind::detachDevice ||
         a.kind == reconcile::ActionKind::updateDevice;
}

// "live+config", "config" or "live": which definitions of the guest a device action changes.
std::string scopeText(const Action& a) {
  if (a.scope.live && a.scope.config) return "live+config";
  return a.scope.live ? "live" : "config";
}

std::string change(const Action& a) {
  std::string from = a.from ? schema::printable(*a.from) : "(none)";
  std::string to = a.to ? schema::printable(*a.to) : "(none)";
  std::string out = from + " → " + to;
  if (isDeviceAction(a)) out += " (" + scopeText(a) + ")";
  return out;
}

}  // namespace

// Every string of the plan may carry names observed on the host (a PF, guest or network name
// with a newline or ESC): each goes through schema::printable on its way to the terminal, so it
// can neither print a line of its own nor send a terminal escape.
std::string planText(const reconcile::Plan& plan, const std::string& specPath, Colors colors) {
  using schema::printable;
  Palette p{colors == Colors::on};
  const std::string specFile = printable(specPath);
  std::string out;
  size_t errors = 0;
  for (const Finding& f : plan.preflight) errors += f.severity == FindingSeverity::error;
  if (plan.actions.empty() && plan.preflight.empty())
    return "No changes. The host matches " + specFile + ".\n";

  if (!plan.actions.empty()) {
    out += p.paint("Plan:", Style::heading) + " " + counted(plan.actions.size(), "action") + ", " +
           std::to_string(plan.disruptiveCount()) +
           " disruptive, highest disruption: " + p.level(plan.highest()) + "\n";
  } else {
    out += "No changes needed";
    out += errors ? ", but the host is not ready for " + specFile + ".\n"
                  : ". The host matches " + specFile + ".\n";
  }
  if (!plan.preflight.empty()) {
    out += "\n" + p.paint("Preflight:", Style::heading) + "\n";
    for (const Finding& f : plan.preflight) {
      std::string severity = f.severity == FindingSeverity::error
                                 ? p.paint("error  ", Style::error)
                                 : p.paint("warning", Style::warning);
      out += "  " + severity + " " + printable(f.target) + ": " + printable(f.message) + "\n";
    }
  }
  // Actions grouped by target in the order targets first appear; ids give execution order.
  std::vector<std::string> targets;
  std::map<std::string, std::vector<const Action*>> byTarget;
  for (const Action& a : plan.actions) {
    if (!byTarget.count(a.target)) targets.push_back(a.target);
    byTarget[a.target].push_back(&a);
  }
  for (const std::string& target : targets) {
    out += "\n" + p.paint(printable(target), Style::heading) + "\n";
    for (const Action* a : byTarget[target]) {
      std::string id = std::to_string(a->id) + ".";
      out += "  " + std::string(id.size() < 4 ? 4 - id.size() : 0, ' ') + id + " " +
             padded(toString(a->kind), 22) + padded(change(*a), 0);
      out += "[" + p.level(a->disruption) + "]";
      if (!a->after.empty()) {
        out += " after";
        for (size_t i = 0; i < a->after.size(); ++i)
          out += (i ? "," : " ") + std::to_string(a->after[i]);
      }
      out += "\n       " + p.paint(printable(a->reason), Style::quiet) + "\n";
    }
  }
  if (errors) {
    out += "\n" + p.paint("Refused:", Style::error) + " " + counted(errors, "problem") +
           " above must be solved first; nothing was changed.\n";
  }
  return out;
}

nlohmann::ordered_json planJson(const reconcile::Plan& plan) {
  using Json = nlohmann::ordered_json;
  Json preflight = Json::array();
  for (const Finding& f : plan.preflight) {
    preflight.push_back({{"severity", f.severity == FindingSeverity::error ? "error" : "warning"},
                         {"target", f.target},
                         {"message", f.message}});
  }
  Json actions = Json::array();
  for (const Action& a : plan.actions) {
    actions.push_back({{"id", a.id},
                       {"kind", toString(a.kind)},
                       {"target", a.target},
                       {"from", a.from ? Json(*a.from) : Json(nullptr)},
                       {"to", a.to ? Json(*a.to) : Json(nullptr)},
                       {"disruption", toString(a.disruption)},
                       {"after", a.after},
                       {"reason", a.reason}});
    if (isDeviceAction(a)) {
      Json scope = Json::array();
      if (a.scope.live) scope.push_back("live");
      if (a.scope.config) scope.push_back("config");
      actions.back()["scope"] = scope;
    }
  }
  return {{"apiVersion", "sriov-apply/v1"},
          {"kind", "Plan"},
          {"changes", !plan.actions.empty()},
          {"refused", plan.refused()},
          {"highestDisruption", toString(plan.highest())},
          {"summary", {{"actions", plan.actions.size()}, {"disruptive", plan.disruptiveCount()}}},
          {"preflight", preflight},
          {"actions", actions}};
}

}  // namespace sriov::cmd
