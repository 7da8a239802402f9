// Writing the node-exporter textfile of the drift check.
#include "cmd/metrics_file.h"

#include <fstream>
#include <sstream>

#include "reconcile/host/atomic_file.h"

namespace sriov::cmd {
namespace {

using reconcile::Disruption;

constexpr const char* kLastApply = "sriov_apply_last_apply_success_timestamp_seconds";

// The last successful apply's time in the file at path, 0 when there is none.
std::time_t lastApplyIn(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(std::string(kLastApply) + " ", 0) != 0) continue;
    try {
      return static_cast<std::time_t>(std::stoll(line.substr(std::string(kLastApply).size() + 1)));
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

Result<void> write(const std::string& path, const std::string& text) {
  // node-exporter reads every *.prom of its folder: the temporary file is a dot file beside it.
  return reconcile::writeFileAtomically(path, text, reconcile::Folders::mustExist);
}

}  // namespace

std::string metricsText(const reconcile::Plan& plan, std::time_t checked, std::time_t lastApply) {
  std::ostringstream out;
  out << "# HELP sriov_apply_drift 1 when the host differs from its spec (the plan has actions).\n"
      << "# TYPE sriov_apply_drift gauge\n"
      << "sriov_apply_drift " << (plan.actions.empty() ? 0 : 1) << "\n"
      << "# HELP sriov_apply_refused 1 when the plan is refused (preflight, disruption limits).\n"
      << "# TYPE sriov_apply_refused gauge\n"
      << "sriov_apply_refused " << (plan.refused() ? 1 : 0) << "\n"
      << "# HELP sriov_apply_pending_actions Actions the plan still has, by disruption level.\n"
      << "# TYPE sriov_apply_pending_actions gauge\n";
  for (Disruption d : {Disruption::none, Disruption::attribute, Disruption::link,
                       Disruption::detach, Disruption::restart, Disruption::recreate}) {
    size_t n = 0;
    for (const reconcile::Action& a : plan.actions) n += a.disruption == d;
    out << "sriov_apply_pending_actions{disruption=\"" << reconcile::toString(d) << "\"} " << n
        << "\n";
  }
  out << "# HELP sriov_apply_last_check_timestamp_seconds When the host was last checked.\n"
      << "# TYPE sriov_apply_last_check_timestamp_seconds gauge\n"
      << "sriov_apply_last_check_timestamp_seconds " << checked << "\n"
      << "# HELP " << kLastApply << " When an apply last left the host matching its spec.\n"
      << "# TYPE " << kLastApply << " gauge\n"
      << kLastApply << " " << lastApply << "\n";
  return out.str();
}

Result<void> writeCheckMetrics(const std::string& path, const reconcile::Plan& plan,
                               std::time_t now) {
  return write(path, metricsText(plan, now, lastApplyIn(path)));
}

Result<void> writeApplyMetrics(const std::string& path, std::time_t now) {
  return write(path, metricsText(reconcile::Plan{}, now, now));
}

}  // namespace sriov::cmd
