// Writing and reading saved plans, and the checks before one is applied.
#include "cmd/saved_plan.h"

#include <ctime>

#include "cmd/plan_output.h"
#include "reconcile/plan_facts.h"
#include "reconcile/state_file.h"
#include "schema/digest.h"
#include "schema/input_file.h"

namespace sriov::cmd {
namespace {

using Json = nlohmann::ordered_json;
using reconcile::Finding;
using reconcile::FindingSeverity;

SavedPlanRead refused(const std::string& file, const std::string& why) {
  return {std::nullopt, Failure{kExitRefused,
                                "cannot apply the saved plan " + file + ": " + why,
                                {},
                                {"plan again: sriov-apply plan SPEC --out " + file}}};
}

SavedPlanRead broken(const std::string& file, const std::string& why) {
  return {std::nullopt,
          Failure{kExitFailure, "the saved plan " + file + " is broken: " + why, {}, {}}};
}

// The document's fields into saved (facts as JSON); a refusal or a failure when they do not fit.
std::optional<SavedPlanRead> fieldsOf(const nlohmann::json& doc, SavedPlan& saved,
                                      nlohmann::json& factsJson) {
  const std::string& path = saved.file;
  try {
    int format = doc.at("format").get<int>();
    std::string version = doc.at("toolVersion").get<std::string>();
    if (format != kSavedPlanFormat || version != SRIOV_APPLY_VERSION) {
      return refused(path, "it was made by sriov-apply " + version + " (saved-plan format " +
                               std::to_string(format) + "), this is " + SRIOV_APPLY_VERSION +
                               " (format " + std::to_string(kSavedPlanFormat) +
                               "); plan again with this version");
    }
    const nlohmann::json& spec = doc.at("spec");
    saved.specPath = spec.at("path").get<std::string>();
    saved.specText = spec.at("text").get<std::string>();
    saved.specDigest = spec.at("sha256").get<std::string>();
    saved.host = doc.at("host").get<std::string>();
    saved.createdAt = doc.at("createdAt").get<std::string>();
    saved.fingerprint = doc.at("fingerprint").get<std::string>();
    saved.actions = doc.at("plan").at("actions");
    const nlohmann::json& o = doc.at("options");
    saved.planning.maxDisruption = o.at("maxDisruption").get<std::string>();
    saved.planning.phase = o.at("phase").get<std::string>();
    saved.planning.force = o.at("force").get<bool>();
    saved.planning.persistFile = o.at("persistFile").get<std::string>();
    factsJson = doc.at("facts");
  } catch (const nlohmann::json::exception& e) {
    return broken(path, e.what());
  }
  return std::nullopt;
}

}  // namespace

std::string utcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Json savedPlanJson(const reconcile::Plan& plan, const std::string& specPath,
                   const std::string& specText, const reconcile::ObservedState& facts,
                   const ApplyOptions& options, const std::string& createdAt) {
  return Json{
      {"apiVersion", "sriov-apply/v1"},
      {"kind", kSavedPlanKind},
      {"format", kSavedPlanFormat},
      {"toolVersion", SRIOV_APPLY_VERSION},
      {"createdAt", createdAt},
      {"host", facts.hostname},
      {"spec", {{"path", specPath}, {"sha256", schema::sha256Hex(specText)}, {"text", specText}}},
      {"options",
       {{"maxDisruption", options.maxDisruption},
        {"phase", options.phase},
        {"force", options.force},
        {"persistFile", options.persistFile}}},
      {"fingerprint", reconcile::factsFingerprint(facts)},
      {"facts", reconcile::toStateJson(facts)},
      {"plan", planJson(plan)},
  };
}

SavedPlanRead readSavedPlan(const std::string& path, const std::string& text) {
  // A spec is YAML and has no kind; a saved plan is a JSON object of kind SavedPlan.
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || text[first] != '{') return {};
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("kind") ||
      doc["kind"] != kSavedPlanKind)
    return {};
  SavedPlan saved;
  saved.file = path;
  nlohmann::json factsJson;
  if (std::optional<SavedPlanRead> bad = fieldsOf(doc, saved, factsJson)) return std::move(*bad);
  if (schema::sha256Hex(saved.specText) != saved.specDigest)
    return refused(path, "its spec text does not match its digest: the file was edited");
  Result<reconcile::ObservedState> facts =
      reconcile::parseStateYaml(factsJson.dump(), path + " (facts)");
  if (!facts) return broken(path, facts.error().message);
  saved.facts = std::move(facts).value();
  if (reconcile::factsFingerprint(saved.facts) != saved.fingerprint)
    return refused(path, "its facts do not match its fingerprint: the file was edited");
  // The spec as it is now must be the spec that was planned.
  Result<std::string> now =
      schema::readInputFile(saved.specPath, schema::kMaxSpecBytes, "the spec " + saved.specPath);
  if (!now)
    return refused(path, "the spec it was planned from cannot be read: " + now.error().message);
  if (schema::sha256Hex(*now) != saved.specDigest) {
    return refused(path, "the spec " + saved.specPath + " changed since the plan was made (" +
                             saved.createdAt + "); plan again and have the new plan reviewed");
  }
  return {std::move(saved), std::nullopt};
}

std::vector<Finding> vetSavedPlan(const SavedPlan& saved, const schema::Spec& spec,
                                  const reconcile::ObservedState& observed,
                                  const reconcile::Plan& plan) {
  const std::string target = "plan/" + saved.file;
  std::vector<Finding> out;
  auto refuse = [&](std::string message) {
    out.push_back({FindingSeverity::error, target, std::move(message)});
  };
  if (observed.hostname != saved.host) {
    refuse("this plan was made on host '" + saved.host + "', this is '" + observed.hostname +
           "'; plan on this host");
    return out;
  }
  // The facts are chosen by the spec as planned (the options do not change which).
  reconcile::ObservedState facts = reconcile::planFacts(spec, observed);
  if (reconcile::factsFingerprint(facts) != saved.fingerprint) {
    std::string changes;
    for (const std::string& line : reconcile::factDifferences(saved.facts, facts))
      changes += (changes.empty() ? "" : "; ") + line;
    refuse("the host changed since the plan was made (" + saved.createdAt + "): " + changes +
           "; plan again and have the new plan reviewed");
    return out;
  }
  if (nlohmann::json::parse(planJson(plan)["actions"].dump()) != saved.actions) {
    refuse(
        "planning the same spec on the same facts gave other actions than the saved plan's; "
        "plan again and have the new plan reviewed");
  }
  return out;
}

}  // namespace sriov::cmd
