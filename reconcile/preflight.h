// Preflight: what the observed host says about a spec before any action is planned (PFs
// present, VF limits, IOMMU, SELinux, drivers, guests defined, the host: guard, tested devices).
#pragma once

#include <vector>

#include "reconcile/observed_state.h"
#include "reconcile/plan.h"
#include "schema/spec.h"

namespace sriov::reconcile {

enum class TakeOver { no, yes };

std::vector<Finding> preflight(const schema::Spec& spec, const ObservedState& observed,
                               TakeOver networks);

// The observed PF a spec PF names (by name and/or PCI address); nullptr when absent or when
// name and address disagree (preflight reports both).
const ObservedPf* resolvePf(const ObservedState& observed, const schema::Pf& pf);

}  // namespace sriov::reconcile
