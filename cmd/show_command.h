// `sriov-apply show`: observe the host and print it as a state file (YAML or JSON) or, with
// --as-spec, as a spec.
#pragma once

#include <ostream>

#include "cmd/options.h"
#include "reconcile/host/host.h"

namespace sriov::cmd {

// Observes host once and prints the result to out: the state file as YAML (output yaml or
// text), as JSON (output json, 2-space indent), or with asSpec the spec (YAML; JSON with
// output json). On an observe error prints "sriov-apply: error: <message>" to err and returns 1;
// else returns 0. Never changes the host.
int runShow(const ShowOptions& options, reconcile::HostReader& host, std::ostream& out,
            std::ostream& err);

}  // namespace sriov::cmd
