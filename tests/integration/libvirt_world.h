// The libvirt objects the integration tests observe, set up through libvirt's C API on the
// daemon that run-integration.sh started (SRIOV_TEST_LIBVIRT_URI).
#pragma once

#include <string>

#include "reconcile/host/linux_host.h"

namespace sriov::integration {

// The daemon's URI and the fake sysfs root it was shown; fail the current test when the
// binary was not started by run-integration.sh.
std::string daemonUri();
std::string fakeSysfsRoot();

// Removes every domain and network of the daemon, then defines, once per process:
//   networks  pool-pf        hostdev, managed, <pf dev='eth3'/>, vlan 42, sriov-apply's
//                            <metadata>; started, autostart
//             pool-list      hostdev, unmanaged, explicit VFs 0000:03:10.2 and 0000:03:10.4;
//                            defined only
//             ext-bridge     <forward mode='bridge'> on br-ext; defined only
//             pool-transient hostdev <pf dev='eth3'/>, transient (created, not defined)
//   domains   guest-hex      shut off; hostdev interface on 03:10.2 written in hex, MAC,
//                            vlan 42, alias ua-sriov-if0
//             guest-dec      shut off; hostdev interface on 03:10.4 written in decimal,
//                            802.1Qbh virtualport
//             guest-attach   shut off; defined empty, then attached with AFFECT_CONFIG: a
//                            network interface on pool-pf and a plain hostdev 0000:05:00.1
//             guest-running  running, autostart; started without devices, then a hostdev
//                            interface on 03:10.0 attached with AFFECT_CONFIG only
//             guest-transient running, transient, no SR-IOV devices
void setUpWorld();

// Sets up the world, then the options of a LinuxHost on it: the daemon, the fake sysfs tree,
// no netlink (its PFs exist only in the fake tree, not in the kernel).
reconcile::LinuxHostOptions worldHostOptions();

}  // namespace sriov::integration
