// An in-memory host with the kernel's SR-IOV rules and libvirt's network and domain rules.
#include "reconcile/simulated/simulated_host.h"

#include <libvirt/virterror.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>
#include <utility>

#include "reconcile/domain_xml.h"
#include "reconcile/domain_xml_edit.h"
#include "reconcile/host/atomic_file.h"
#include "reconcile/planning/describe.h"
#include "reconcile/simulated/simulated_guests.h"
#include "reconcile/state_file.h"
#include "schema/mac_address.h"
#include "schema/pci_address.h"

namespace sriov::reconcile {
namespace {

std::string describe(DeviceScope scope) {
  if (scope.live && scope.config) return "live,config";
  if (scope.live) return "live";
  if (scope.config) return "config";
  return "current";
}

// The device as plans print it (planning/describe.h), then its alias when there is one.
std::string describeDevice(const std::string& deviceXml) {
  Result<GuestDevice> device = parseDeviceXml(deviceXml);
  if (!device) return "(unparsed device)";
  std::string out = planning::deviceSummary(*device);
  if (!device->alias.empty()) out += " " + device->alias;
  return out;
}

}  // namespace

SimulatedHost::SimulatedHost(ObservedState state) {
  world_.state = std::move(state);
  sortState(world_.state);
  simulated::deriveLeases(world_);
}

Result<SimulatedHost> SimulatedHost::load(const std::string& path) {
  Result<ObservedState> state = loadStateFile(path);
  if (!state) return state.error();
  return SimulatedHost(std::move(state.value()));
}

Result<void> SimulatedHost::save(const std::string& path) const {
  // Atomically and durably (fsync), into a folder that must exist: a state file is the host.
  Result<void> written = writeFileAtomically(path, toStateYaml(world_.state), Folders::mustExist);
  if (!written)
    return Error{"cannot write state file '" + path + "': " + std::strerror(written.error().code),
                 written.error().code};
  return {};
}

void SimulatedHost::failAt(unsigned n, Error error) {
  failAt_ = {n, std::move(error)};
}

void SimulatedHost::stopAfter(unsigned n) {
  stopAfter_ = n;
}

std::optional<Error> SimulatedHost::fault(std::string description) {
  ++mutationCount_;
  mutations_.push_back(std::move(description));
  if (stopAfter_ && mutationCount_ > *stopAfter_)
    return Error{"host stopped dead after mutation " + std::to_string(*stopAfter_), 0};
  if (failAt_ && failAt_->first == mutationCount_) return failAt_->second;
  return std::nullopt;
}

Result<ObservedState> SimulatedHost::observe() {
  std::unique_lock<std::mutex> lock(*mutex_);
  ObservedState state = world_.state;
  lock.unlock();
  return shown(std::move(state));
}

ObservedState SimulatedHost::handOver() && {
  return shown(std::move(world_.state));
}

ObservedState SimulatedHost::shown(ObservedState state) const {
  sortState(state);
  if (libvirtHidden_) {
    for (const ObservedDomain& d : state.domains)
      if (d.running()) state.libvirtActive.push_back("guest " + d.name);
    for (const ObservedNetwork& n : state.networks)
      if (n.active) state.libvirtActive.push_back("network " + n.name);
    state.domains.clear();
    state.networks.clear();
  }
  return state;
}

// ---- libvirt: guests (rules in simulated_guests.cpp) ----------------------------------------

Result<void> SimulatedHost::attachDevice(const std::string& domain, const std::string& deviceXml,
                                         DeviceScope scope) {
  return mutateGuest(
      "attachDevice " + domain + " " + describe(scope) + " " + describeDevice(deviceXml), domain,
      [&](SimulatedWorld& w) { return simulated::attachDevice(w, domain, deviceXml, scope); });
}

Result<void> SimulatedHost::detachDevice(const std::string& domain, const std::string& deviceXml,
                                         DeviceScope scope) {
  return mutateGuest(
      "detachDevice " + domain + " " + describe(scope) + " " + describeDevice(deviceXml), domain,
      [&](SimulatedWorld& w) { return simulated::detachDevice(w, domain, deviceXml, scope); });
}

Result<void> SimulatedHost::updateDevice(const std::string& domain, const std::string& deviceXml,
                                         DeviceScope scope) {
  return mutateGuest(
      "updateDevice " + domain + " " + describe(scope) + " " + describeDevice(deviceXml), domain,
      [&](SimulatedWorld& w) { return simulated::updateDevice(w, domain, deviceXml, scope); });
}

Result<void> SimulatedHost::shutdownGuest(const std::string& domain, std::chrono::seconds timeout) {
  return mutateGuest("shutdownGuest " + domain, domain, [&](SimulatedWorld& w) {
    return simulated::shutdownGuest(w, domain, timeout);
  });
}

Result<void> SimulatedHost::startGuest(const std::string& domain) {
  return mutateGuest("startGuest " + domain, domain,
                     [&](SimulatedWorld& w) { return simulated::startGuest(w, domain); });
}

}  // namespace sriov::reconcile
