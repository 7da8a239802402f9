// plan(Spec, ObservedState) -> Plan: the smallest ordered set of changes that converges a host on
// a spec. Pure: no I/O, no clock, no logger; the same inputs give the same plan, byte for byte.
#pragma once

#include <string>

#include "reconcile/boot_phase.h"
#include "reconcile/observed_state.h"
#include "reconcile/persistence.h"
#include "reconcile/plan.h"
#include "schema/spec.h"

namespace sriov::reconcile {

struct PlanOptions {
  bool force = false;             // allow disrupting guests the spec does not list
  bool takeOverNetworks = false;  // redefine networks sriov-apply did not define (--force)
  Disruption maxDisruption = Disruption::recreate;
  std::string persistFile = kDefaultPersistFile;
  Phase phase = Phase::all;  // a boot phase adds its refusals (boot_phase.h)
};

Plan plan(const schema::Spec& spec, const ObservedState& observed, const PlanOptions& options);

// The MAC a guest interface gets when the spec names none: 52:54:00 (the KVM prefix) and three
// bytes of a hash of host, guest and slot, so it is the same on every run.
std::string stableMac(const std::string& host, const std::string& guest, const std::string& slot);

}  // namespace sriov::reconcile
