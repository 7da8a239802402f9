// Action factories: the one place an Action is filled in field by field.
#include "reconcile/planning/actions.h"

#include "reconcile/planning/describe.h"

namespace sriov::reconcile::planning {

std::string vfTarget(const ObservedPf& pf, unsigned index) {
  return "vf/" + pf.label() + "/" + std::to_string(index);
}

Action setNumVfs(const ObservedPf& pf, unsigned from, unsigned to, Disruption disruption,
                 std::string reason) {
  Action a;
  a.kind = ActionKind::setNumVfs;
  a.target = "pf/" + pf.label();
  a.from = std::to_string(from);
  a.to = std::to_string(to);
  a.disruption = disruption;
  a.pfPci = pf.pci;
  a.count = to;
  a.reason = std::move(reason);
  return a;
}

Action setLinkUp(const ObservedPf& pf, bool up, std::string reason) {
  Action a;
  a.kind = ActionKind::setLinkUp;
  a.target = "pf/" + pf.label();
  a.from = pf.linkUp ? "up" : "down";
  a.to = up ? "up" : "down";
  a.disruption = Disruption::link;
  a.pfPci = pf.pci;
  a.reason = std::move(reason);
  return a;
}

Action setVf(const ObservedPf& pf, unsigned index, const VfChange& change,
             std::optional<VfChange> before, Disruption disruption, std::string reason) {
  Action a;
  a.kind = ActionKind::setVf;
  a.target = vfTarget(pf, index);
  if (before) a.from = vfChangeText(*before);
  a.before = std::move(before);
  a.to = vfChangeText(change);
  a.disruption = disruption;
  a.pfPci = pf.pci;
  a.vfIndex = index;
  a.change = change;
  a.reason = std::move(reason);
  return a;
}

Action bindVfDriver(const ObservedPf& pf, unsigned index, const std::string& vfPci, OptText from,
                    const std::string& driver, Disruption disruption, std::string reason) {
  Action a;
  a.kind = ActionKind::bindVfDriver;
  a.target = vfTarget(pf, index);
  a.from = std::move(from);
  a.to = driver;
  a.disruption = disruption;
  a.vfPci = vfPci;
  a.driver = driver;
  a.reason = std::move(reason);
  return a;
}

Action networkAction(ActionKind kind, const std::string& name, OptText from, OptText to,
                     Disruption disruption, std::string reason) {
  Action a;
  a.kind = kind;
  a.target = "network/" + name;
  a.from = std::move(from);
  a.to = std::move(to);
  a.disruption = disruption;
  a.name = name;
  a.reason = std::move(reason);
  return a;
}

Action defineNetwork(const NetworkDefinition& def, OptText from, std::string reason) {
  Action a = networkAction(ActionKind::defineNetwork, def.name, std::move(from),
                           networkSummary(def), Disruption::none, std::move(reason));
  a.network = def;
  return a;
}

Action setNetworkAutostart(const std::string& name, bool now, bool want) {
  Action a = networkAction(ActionKind::setNetworkAutostart, name, onOff(now), onOff(want),
                           Disruption::none, "autostart differs from the spec");
  a.autostart = want;
  return a;
}

Action deviceAction(ActionKind kind, const std::string& guest, const GuestDevice& dev,
                    DeviceScope scope, std::string reason) {
  Action a;
  a.kind = kind;
  // A user alias (ua-) names the device for good; libvirt's own (hostdev0, net1) change when the
  // guest restarts and would name one device twice in a plan: the address (or network) then.
  bool userAlias = dev.alias.rfind("ua-", 0) == 0;
  a.target = "guest/" + guest + "/" +
             (userAlias         ? dev.alias
              : dev.pci.empty() ? dev.network
                                : dev.pci);
  a.name = guest;
  a.device = dev;
  a.scope = scope;
  if (kind == ActionKind::detachDevice) {
    a.from = deviceSummary(dev);
    a.disruption = scope.live ? Disruption::detach : Disruption::none;
  } else {
    a.to = deviceSummary(dev);
    a.disruption = Disruption::none;
  }
  a.reason = std::move(reason);
  return a;
}

Action updateDevice(const std::string& guest, const GuestDevice& now, const GuestDevice& want,
                    std::string reason) {
  Action a = deviceAction(ActionKind::updateDevice, guest, want, {false, true}, std::move(reason));
  a.from = deviceSummary(now);
  a.previous = now;
  return a;
}

namespace {

Action guestPower(ActionKind kind, const ObservedDomain& dom, std::string from, std::string to,
                  std::string reason) {
  Action a;
  a.kind = kind;
  a.target = "guest/" + dom.name;
  a.from = std::move(from);
  a.to = std::move(to);
  a.disruption = Disruption::restart;
  a.name = dom.name;
  a.reason = std::move(reason);
  return a;
}

}  // namespace

Action shutdownGuest(const ObservedDomain& dom, std::string reason) {
  return guestPower(ActionKind::shutdownGuest, dom, toString(dom.state), "shut off",
                    std::move(reason));
}

Action startGuest(const ObservedDomain& dom, std::string reason) {
  return guestPower(ActionKind::startGuest, dom, "shut off", "running", std::move(reason));
}

Action writePersistence(const std::string& path, OptText from, OptText to, std::string content,
                        std::string reason) {
  Action a;
  a.kind = ActionKind::writePersistence;
  a.target = "file" + path;
  a.from = std::move(from);
  a.to = std::move(to);
  a.disruption = Disruption::none;
  a.path = path;
  a.content = std::move(content);
  a.reason = std::move(reason);
  return a;
}

}  // namespace sriov::reconcile::planning
