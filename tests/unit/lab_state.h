// Test fixtures: lab-01, a realistic host with two Intel 82576 ports, an Intel 82599 and an
// NVMe drive, a hostdev network and three guests. examples/lab.state.yaml is this state as
// toStateYaml prints it (test_examples.cpp keeps the two in step).
#pragma once

#include <string>

#include "reconcile/observed_state.h"

namespace sriov::testing {

reconcile::ObservedState labState();

// Which XML of a domain: the persistent definition, or the live one of a running domain
// (with its id and the aliases libvirt gives every device).
enum class DomainXmlKind { inactive, live };

// Domain XML the way libvirt 9 writes it: name, uuid, memory, vcpu, q35, and devices holding
// the emulator, a disk and then `devices` (<interface>/<hostdev> elements, four spaces deep).
std::string domainXml(const std::string& name, const std::string& uuid, const std::string& devices,
                      DomainXmlKind kind = DomainXmlKind::inactive);

}  // namespace sriov::testing
