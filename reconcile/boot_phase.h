// The phases of a boot (--phase host before libvirt starts, --phase libvirt after it): which part
// of a spec each converges, and the refusals that keep a boot from disrupting a guest.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reconcile/observed_state.h"
#include "reconcile/plan.h"
#include "schema/spec.h"

namespace sriov::reconcile {

// all: the whole spec, as a person runs it. host: the kernel side only (VF counts, VF settings,
// driver bindings, PF links, the udev rule), observed and applied without libvirt, which has not
// started yet. libvirt: the whole spec once libvirt is up, never detaching from or shutting down
// a running guest (guests libvirt autostarted at boot keep running as they are).
enum class Phase { all, host, libvirt };

const char* toString(Phase phase);  // "all", "host", "libvirt"
std::optional<Phase> parsePhase(const std::string& text);

// The part of spec a phase converges: host drops networks and guests; the others keep it whole.
schema::Spec specForPhase(const schema::Spec& spec, Phase phase);

// The refusals of a boot phase for a plan's actions (empty for Phase::all):
// - host: libvirt already runs guests or networks (observed.libvirtActive, read from libvirt's
//   runtime folder without connecting): changing VF counts under them is not a boot's job;
// - host and libvirt: an action that detaches a device from a running guest or shuts it down.
std::vector<Finding> phaseFindings(const std::vector<Action>& actions,
                                   const ObservedState& observed, Phase phase);

}  // namespace sriov::reconcile
