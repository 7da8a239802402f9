// Text and JSON renderings of a plan.
#include "cmd/plan_output.h"

#include <map>
#include <optional>
#include <vector>

#include "cmd/terminal_style.h"
#include "reconcile/observed_state.h"
#include "schema/spec.h"
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

using Json = nlohmann::ordered_json;

// The VF settings a set-vf action writes, by their spec names; only those it changes.
Json vfSettingsJson(const reconcile::VfChange& c) {
  Json j = Json::object();
  if (c.mac) j["mac"] = *c.mac;
  if (c.vlan) j["vlan"] = *c.vlan;
  if (c.qos) j["qos"] = *c.qos;
  if (c.spoofCheck) j["spoofchk"] = *c.spoofCheck;
  if (c.trust) j["trust"] = *c.trust;
  if (c.linkState) j["linkState"] = schema::toString(*c.linkState);
  if (c.minTxRate) j["minTxRate"] = *c.minTxRate;
  if (c.maxTxRate) j["maxTxRate"] = *c.maxTxRate;
  return j;
}

// A guest's SR-IOV device as the plan models it: its type, its source, MAC, VLAN and alias.
Json deviceJson(const reconcile::GuestDevice& d) {
  using Kind = reconcile::GuestDevice::Kind;
  Json j = {{"type", d.kind == Kind::hostdevInterface   ? "hostdev-interface"
                     : d.kind == Kind::networkInterface ? "network-interface"
                                                        : "hostdev"}};
  if (d.kind == Kind::networkInterface)
    j["network"] = d.network;
  else
    j["pci"] = d.pci;
  if (!d.mac.empty()) j["mac"] = d.mac;
  if (d.vlan) j["vlan"] = *d.vlan;
  if (!d.alias.empty()) j["alias"] = d.alias;
  if (d.kind != Kind::networkInterface) j["managed"] = d.managed;
  return j;
}

// A count the planner printed from a number it observed ("4"): the number, else nothing.
std::optional<unsigned> countOf(const std::optional<std::string>& text) {
  if (!text || text->empty() || text->size() > 9 ||
      text->find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return static_cast<unsigned>(std::stoul(*text));
}

// fromValue / toValue beside the display strings, from the action's typed fields: what a
// consumer would otherwise parse out of "from" / "to". Kinds without a typed value get none.
void addStructuredValues(const Action& a, Json& j) {
  using reconcile::ActionKind;
  switch (a.kind) {
    case ActionKind::setNumVfs:
      if (std::optional<unsigned> from = countOf(a.from)) j["fromValue"] = *from;
      j["toValue"] = a.count;
      return;
    case ActionKind::setVf:
      if (a.before) j["fromValue"] = vfSettingsJson(*a.before);
      j["toValue"] = vfSettingsJson(a.change);
      return;
    case ActionKind::updateDevice:
      if (a.previous) j["fromValue"] = deviceJson(*a.previous);
      j["toValue"] = deviceJson(a.device);
      return;
    case ActionKind::attachDevice:
      j["toValue"] = deviceJson(a.device);
      return;
    case ActionKind::detachDevice:
      j["fromValue"] = deviceJson(a.device);
      return;
    case ActionKind::setNetworkAutostart:
      j["toValue"] = a.autostart;
      return;
    default:
      return;
  }
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
    addStructuredValues(a, actions.back());
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
