// A plan: the ordered actions that converge a host on a spec, with every disruption visible,
// and the preflight findings. Plain data, built by the pure function plan() in planner.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reconcile/host_change.h"

namespace sriov::reconcile {

enum class ActionKind {
  setNumVfs,
  setVf,
  bindVfDriver,
  setLinkUp,
  defineNetwork,
  startNetwork,
  stopNetwork,
  undefineNetwork,
  setNetworkAutostart,
  attachDevice,
  detachDevice,
  updateDevice,
  shutdownGuest,
  startGuest,
  writePersistence,
};

// SPEC.md "Disruption", lowest first.
enum class Disruption { none, attribute, link, detach, restart, recreate };

const char* toString(ActionKind kind);   // "set-numvfs", ...
const char* toString(Disruption level);  // "none", ...
std::optional<Disruption> parseDisruption(const std::string& text);

struct Action {
  int id = 0;  // 1-based, in execution order
  ActionKind kind = ActionKind::setNumVfs;
  std::string target;               // "pf/enp3s0f0", "vf/enp3s0f0/2", "guest/web1/ua-sriov-..."
  std::optional<std::string> from;  // what is there now, for people; nullopt: nothing
  std::optional<std::string> to;    // what will be there; nullopt: nothing
  Disruption disruption = Disruption::none;
  std::vector<int> after;  // ids that must finish first
  std::string reason;      // one line

  // What the executor hands to Host; which fields matter depends on kind.
  std::string pfPci;                    // setNumVfs, setVf, setLinkUp
  unsigned count = 0;                   // setNumVfs
  unsigned vfIndex = 0;                 // setVf
  VfChange change;                      // setVf
  std::optional<VfChange> before;       // setVf: the settings change replaces (unset for a new VF)
  std::optional<GuestDevice> previous;  // updateDevice: the device as it is now
  std::string vfPci;                    // bindVfDriver
  std::string driver;                   // bindVfDriver
  std::string name;                     // networks: network name; guests: domain name
  NetworkDefinition network;            // defineNetwork (the executor writes its XML)
  GuestDevice device;                   // attach/detach/updateDevice (the executor writes its XML)
  DeviceScope scope;                    // attach/detach/updateDevice
  bool autostart = false;               // setNetworkAutostart
  std::string path;                     // writePersistence
  std::string content;                  // writePersistence
};

enum class FindingSeverity { error, warning };

// A preflight finding or a refusal reason: errors refuse the plan (exit 4), warnings print.
struct Finding {
  FindingSeverity severity = FindingSeverity::error;
  std::string target;
  std::string message;
};

struct Plan {
  std::vector<Finding> preflight;  // sorted: errors first, then by target
  std::vector<Action> actions;     // a valid execution order
  bool refused() const;
  bool empty() const { return actions.empty(); }
  Disruption highest() const;
  size_t disruptiveCount() const;  // actions above none
};

}  // namespace sriov::reconcile
