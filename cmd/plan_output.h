// Rendering a plan: text for people (summary, preflight, actions grouped by target, color on a
// TTY) and JSON for CI (schema/plan.schema.json).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reconcile/plan.h"

namespace sriov::cmd {

enum class Colors { off, on };

// specFile names the spec in "No changes. The host matches host.yaml."
std::string planText(const reconcile::Plan& plan, const std::string& specFile, Colors colors);
nlohmann::ordered_json planJson(const reconcile::Plan& plan);

}  // namespace sriov::cmd
