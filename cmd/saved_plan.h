// Saved plans (`plan SPEC --out FILE`, `apply FILE`): the plan a reviewer approved, with what it
// was made from — the spec's text and digest, the facts of the host it depends on and their
// fingerprint, the host's name, the tool's version, the time — and the checks that let `apply`
// run exactly those actions or refuse, saying what changed.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cmd/error_output.h"
#include "cmd/options.h"
#include "reconcile/observed_state.h"
#include "reconcile/plan.h"
#include "reconcile/result.h"
#include "schema/spec.h"

namespace sriov::cmd {

inline constexpr const char* kSavedPlanKind = "SavedPlan";
inline constexpr int kSavedPlanFormat = 1;  // raised whenever the file's meaning changes

struct SavedPlan {
  std::string file;      // where it was read from
  std::string specPath;  // the spec as `plan` was given it
  std::string specText;  // its bytes at plan time
  std::string specDigest;
  std::string host;
  std::string createdAt;
  std::string fingerprint;         // of facts
  reconcile::ObservedState facts;  // reconcile/plan_facts.h
  nlohmann::json actions;          // the plan's actions, as `plan --output json` prints them
  ApplyOptions planning;           // the plan options it was made with (max disruption, ...)
};

// The saved-plan document of plan, made from specText (at specPath) on a host observed as
// observed with options; createdAt is an ISO 8601 UTC time.
nlohmann::ordered_json savedPlanJson(const reconcile::Plan& plan, const std::string& specPath,
                                     const std::string& specText,
                                     const reconcile::ObservedState& facts,
                                     const ApplyOptions& options, const std::string& createdAt);

// What reading a file that may be a saved plan came to.
struct SavedPlanRead {
  std::optional<SavedPlan> plan;   // the saved plan, when it is one that may be applied here
  std::optional<Failure> failure;  // it is one, but broken (exit 1) or refused (exit 4)
};

// The file at path (its content: text) as a saved plan; neither plan nor failure when it is not
// one (a spec). Refused: another format or tool version, edited contents, a spec that is missing
// or changed since the plan. The checks against the host are vetSavedPlan's.
SavedPlanRead readSavedPlan(const std::string& path, const std::string& text);

// The refusals of applying saved (whose spec text loaded as spec) to a host observed as
// observed, where planning spec again gave plan: another host, facts that changed (each
// named), actions that differ.
std::vector<reconcile::Finding> vetSavedPlan(const SavedPlan& saved, const schema::Spec& spec,
                                             const reconcile::ObservedState& observed,
                                             const reconcile::Plan& plan);

// Now as "2026-12-02T05:50:00Z".
std::string utcNow();

}  // namespace sriov::cmd
