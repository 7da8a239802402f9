// Reads what libvirt saved of VFs that guests' interfaces hold (virNetDevSaveNetConfig's files
// <pf>_vf<index> in /run/libvirt/hostdevmgr) into the observed state (ObservedVf::libvirtSaved).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reconcile/observed_state.h"

namespace sriov::reconcile {

// The most of one file read: libvirt itself reads 128 bytes of it.
inline constexpr size_t kMaxLibvirtSavedBytes = 4096;

// One file's content as libvirt 9 writes it (JSON {"adminMac", "vlanTag", "mac"}) or as older
// libvirt did (a MAC line; with a second line, the admin MAC and the VLAN tag); nullopt for
// anything else. A MAC that does not parse is left out, a VLAN out of 0..4095 too.
std::optional<LibvirtSavedVf> parseLibvirtSaved(std::string_view text);

// For each VF of each PF with a netdev, dir/<pf>_vf<index> when it is a regular file (never
// through a link, at most kMaxLibvirtSavedBytes + 1 read); a missing or unreadable folder or file,
// or one parseLibvirtSaved does not take, is nothing saved. Returns how many VFs have one.
size_t readLibvirtSavedVfs(const std::string& dir, ObservedState& state);

}  // namespace sriov::reconcile
