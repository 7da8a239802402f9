// The observed facts a plan depends on, as a state of their own: what a saved plan records, so
// that applying it later can tell whether the host is still the one it was planned on.
#pragma once

#include <string>
#include <vector>

#include "reconcile/observed_state.h"
#include "schema/spec.h"

namespace sriov::reconcile {

// From observed, what a plan of spec reads: the host's name, IOMMU, SELinux and loaded drivers,
// the files sriov-apply owns, the spec's PFs (with every
// VF), the networks that are the spec's, that sriov-apply owns (prune removes them) or that pool
// VFs of those PFs, and the domains that are the spec's guests or hold a VF of those PFs or an
// interface on those networks, live or in their configuration.
ObservedState planFacts(const schema::Spec& spec, const ObservedState& observed);

// The fingerprint of facts: the SHA-256 of their state JSON.
std::string factsFingerprint(const ObservedState& facts);

// What differs between the facts a plan was made from and the facts now, one line per object
// (stateDifferences' lines, then any object whose XML alone changed); empty when equal.
std::vector<std::string> factDifferences(const ObservedState& then, const ObservedState& now);

}  // namespace sriov::reconcile
